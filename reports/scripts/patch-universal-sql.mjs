// Lets the report site build and render with no network (run by `npm ci` as `postinstall`).
//
// Evidence loads every source table into duckdb-wasm through DuckDB's parquet reader: when
// `evidence sources` merges its temporary parquet files, when `evidence build` prerenders
// the pages (a view over `read_parquet` per table) and again in the reader's browser.
// duckdb-wasm 1.29+ does not contain that reader and downloads it from DuckDB's extension
// site, so with no network all three hang. This script rewrites three files of
// @evidence-dev/universal-sql so that DuckDB's parquet reader is never needed:
//
//   build-parquet.js       one temporary file is copied; several are read with parquet-wasm,
//                          their Arrow batches concatenated and written with parquet-wasm.
//   client-duckdb/node.js  (prerendering) each table's parquet file is read with parquet-wasm
//   client-duckdb/browser.js  (the reader's browser, the file fetched from the site) and
//                          loaded into a real table with `insertArrowFromIPCStream`;
//                          TIMESTAMP_S/MS/NS columns are cast to TIMESTAMP, the type
//                          `read_parquet` gives them.
//
// Each edit replaces an exact piece of the package's text. When a piece is missing (another
// version of the package) the script stops with the file and the text it expected, so that
// an upgrade cannot silently bring the hang back. Running it again on patched files changes
// nothing. See DECISIONLOG.md, "Evidence offline".
//
//   node scripts/patch-universal-sql.mjs           patch (idempotent)
//   node scripts/patch-universal-sql.mjs --check   exit 1 unless every file is patched

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const MARKER = '/* shopkpi: offline parquet (scripts/patch-universal-sql.mjs) */';
const EXPECTED_VERSION = '3.0.1';

const require = createRequire(import.meta.url);
let packageDir;
try {
	packageDir = path.dirname(require.resolve('@evidence-dev/universal-sql/package.json'));
} catch {
	// The package's "exports" may hide package.json: find it from the main entry instead.
	packageDir = path.resolve(path.dirname(require.resolve('@evidence-dev/universal-sql')), '..');
}
const version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;

// ---------------------------------------------------------------------- build-parquet.js

const buildParquet = {
	file: 'src/build-parquet.js',
	edits: [
		{
			find: `import { emptyDbFs, initDB, query } from './client-duckdb/node.js';`,
			replace: `import { emptyDbFs, initDB, query } from './client-duckdb/node.js';
${MARKER}
import { tableFromIPC as shopkpiTableFromIPC, Table as ShopkpiArrowTable } from 'apache-arrow';
import { readParquet as shopkpiReadParquet } from 'parquet-wasm/node/arrow1.js';

/**
 * Writes the temporary parquet files of one table as one file, without DuckDB's parquet
 * extension (which duckdb-wasm would download).
 * @param {string[]} files
 * @param {string} outputFilepath
 */
async function shopkpiMergeParquet(files, outputFilepath) {
	if (files.length === 1) {
		await fs.copyFile(files[0], outputFilepath);
		return;
	}
	const batches = [];
	for (const file of files) {
		const ipc = shopkpiReadParquet(new Uint8Array(await fs.readFile(file))).intoIPCStream();
		batches.push(...shopkpiTableFromIPC(ipc).batches);
	}
	const merged = tableToIPC(new ShopkpiArrowTable(batches), 'stream');
	const writerProperties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
	await fs.writeFile(outputFilepath, writeParquet(Table.fromIPCStream(merged), writerProperties));
}`
		},
		{
			find: `	await initDB();

	const outputFilepath = path.join(outDir, outputFilename);

	const parquetFiles = tmpFilenames.map((filename) => \`'\${filename.replaceAll('\\\\', '/')}'\`);

	const select = \`SELECT * FROM read_parquet([\${parquetFiles.join(',')}])\`;
	const copy = \`COPY (\${select}) TO '\${outputFilepath}' (FORMAT 'PARQUET', CODEC 'ZSTD', USE_TMP_FILE false);\`;

	await fs.mkdir(path.dirname(outputFilepath), { recursive: true });
	await query(copy);
`,
			replace: `	const outputFilepath = path.join(outDir, outputFilename);

	await fs.mkdir(path.dirname(outputFilepath), { recursive: true });
	await shopkpiMergeParquet(tmpFilenames, outputFilepath);
`
		},
		{
			// DuckDB is no longer started here: nothing to empty.
			find: `	for (const tmpFile of tmpFilenames) {
		await fs.rm(tmpFile, { force: true });
	}
	await emptyDbFs('*');
`,
			replace: `	for (const tmpFile of tmpFilenames) {
		await fs.rm(tmpFile, { force: true });
	}
`
		}
	]
};

// ------------------------------------------------------------ the table loader, both sides

/** The body shared by node.js and browser.js; `aw` is "await " on the asynchronous side. */
const loaderBody = (aw) => `	const ipc = shopkpiReadParquet(bytes).intoIPCStream();
	const staging = \`\${table}__shopkpi_arrow\`;
	${aw}connection.query(\`DROP TABLE IF EXISTS "\${source}"."\${staging}";\`);
	${aw}connection.insertArrowFromIPCStream(ipc, { schema: source, name: staging, create: true });
	const columns = (
		${aw}connection.query(
			\`SELECT column_name, data_type FROM information_schema.columns
			 WHERE table_schema = '\${source}' AND table_name = '\${staging}'
			 ORDER BY ordinal_position;\`
		)
	).toArray();
	const select = columns
		.map(({ column_name, data_type }) => {
			const name = \`"\${String(column_name).replaceAll('"', '""')}"\`;
			return /^TIMESTAMP_(S|MS|NS)$/.test(String(data_type))
				? \`CAST(\${name} AS TIMESTAMP) AS \${name}\`
				: name;
		})
		.join(', ');
	${aw}connection.query(
		\`CREATE OR REPLACE TABLE "\${source}"."\${table}" AS SELECT \${select} FROM "\${source}"."\${staging}";\`
	);
	${aw}connection.query(\`DROP TABLE "\${source}"."\${staging}";\`);`;

// ---------------------------------------------------------------- client-duckdb/node.js

const nodeClient = {
	file: 'src/client-duckdb/node.js',
	edits: [
		{
			find: `export { tableFromIPC } from 'apache-arrow';`,
			replace: `export { tableFromIPC } from 'apache-arrow';
${MARKER}
import { readFileSync as shopkpiReadFileSync } from 'fs';
import { readParquet as shopkpiReadParquet } from 'parquet-wasm/node/arrow1.js';

/**
 * Loads a parquet file into table "source"."table" without DuckDB's parquet extension.
 * @param {string} source
 * @param {string} table
 * @param {string} file
 */
function shopkpiLoadParquet(source, table, file) {
	const bytes = new Uint8Array(shopkpiReadFileSync(file));
${loaderBody('')}
}`
		},
		{
			find: `			db.registerFileURL(
				file_name,
				url.split(pathDelimiterRegex).join(path.sep),
				DuckDBDataProtocol.NODE_FS,
				false
			);
			connection.query(
				\`CREATE OR REPLACE VIEW "\${source}"."\${table}" AS (SELECT * FROM read_parquet('\${file_name}'));\`
			);`,
			replace: `			shopkpiLoadParquet(source, table, url.split(pathDelimiterRegex).join(path.sep));`
		}
	]
};

// ------------------------------------------------------------- client-duckdb/browser.js

const browserClient = {
	file: 'src/client-duckdb/browser.js',
	edits: [
		{
			find: `export { tableFromIPC } from 'apache-arrow';`,
			replace: `export { tableFromIPC } from 'apache-arrow';
${MARKER}
import shopkpiInitParquet, { readParquet as shopkpiReadParquet } from 'parquet-wasm/esm/arrow1.js';
import shopkpiParquetWasm from 'parquet-wasm/esm/arrow1_bg.wasm?url';

/** @type {Promise<unknown> | undefined} */
let shopkpiParquetReady;

/**
 * Fetches a parquet file from the site and loads it into table "source"."table" without
 * DuckDB's parquet extension.
 * @param {string} source
 * @param {string} table
 * @param {string} url
 */
async function shopkpiLoadParquet(source, table, url) {
	shopkpiParquetReady ??= shopkpiInitParquet(shopkpiParquetWasm);
	await shopkpiParquetReady;
	const response = await fetch(url);
	if (!response.ok) throw new Error(\`Could not fetch \${url}: HTTP \${response.status}\`);
	const bytes = new Uint8Array(await response.arrayBuffer());
${loaderBody('await ')}
}`
		},
		{
			find: `				await db.registerFileURL(file_name, addBasePath(path), DuckDBDataProtocol.HTTP, false);
				await connection.query(
					\`CREATE OR REPLACE VIEW "\${source}"."\${table}" AS (SELECT * FROM read_parquet('\${file_name}'));\`
				);`,
			replace: `				await shopkpiLoadParquet(source, table, addBasePath(path));`
		}
	]
};

// ------------------------------------------------------------------------------ apply

function fail(message) {
	console.error(`\npatch-universal-sql: ${message}\n`);
	console.error(
		`@evidence-dev/universal-sql ${version} at ${packageDir} (patch written for ${EXPECTED_VERSION}).\n` +
			'Without this patch Evidence downloads DuckDB\'s parquet extension and hangs offline.\n' +
			'Update scripts/patch-universal-sql.mjs for this version (DECISIONLOG.md, "Evidence offline").'
	);
	process.exit(1);
}

const checkOnly = process.argv.includes('--check');
const targets = [buildParquet, nodeClient, browserClient];
const pending = [];

for (const target of targets) {
	const file = path.join(packageDir, target.file);
	if (!fs.existsSync(file)) fail(`${file} does not exist.`);
	const text = fs.readFileSync(file, 'utf8');
	if (text.includes(MARKER)) {
		// Patched before: every replacement must be there, none of the original pieces.
		for (const { find, replace } of target.edits) {
			if (!text.includes(replace) || (find !== replace && !replace.includes(find) && text.includes(find))) {
				fail(`${file} carries the patch marker but not the patched text:\n${replace}`);
			}
		}
		continue;
	}
	if (checkOnly) fail(`${file} is not patched.`);
	let patched = text;
	for (const { find, replace } of target.edits) {
		const count = patched.split(find).length - 1;
		if (count !== 1) {
			fail(
				`${file}: expected this text exactly once, found it ${count} times:\n` +
					'--------\n' +
					find +
					'\n--------'
			);
		}
		patched = patched.replace(find, () => replace);
	}
	pending.push({ file, patched });
}

// Write only after every file matched, so a failure leaves the package untouched.
for (const { file, patched } of pending) fs.writeFileSync(file, patched);

if (checkOnly) console.log('patch-universal-sql: every file is patched.');
else if (pending.length)
	console.log(
		`patch-universal-sql: patched ${pending.map((p) => path.relative(packageDir, p.file)).join(', ')} ` +
			`of @evidence-dev/universal-sql ${version} (no parquet extension needed).`
	);
else console.log('patch-universal-sql: already patched.');
