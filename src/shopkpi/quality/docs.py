"""Data Docs that work with no network.

GX's pages load Bootstrap, jQuery, bootstrap-table, Font Awesome, Vega and more from CDNs,
and a logo (with a tracking query) from S3. The project installs the same versions from npm
(``gx/docs_assets/package.json``, ``npm ci``); after every build this module copies them into
the site's ``static/vendor/`` folder and rewrites each page's links to relative paths. It
also fixes GX's favicon path on validation pages (one ``../`` short) by recomputing every
``static/`` link from the page's depth, and drops the links to GX's website.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from shopkpi.quality.project import gx_dir


def assets_dir() -> Path:
    """The npm package of the Data Docs assets (``gx/docs_assets``)."""
    return gx_dir() / "docs_assets"


# CDN URL (a prefix when it ends with '/') -> file or folder under node_modules.
CDN_TO_NPM: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/": "bootstrap/dist/css/",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/": "bootstrap/dist/js/",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/": "popper.js/dist/",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/": "bootstrap-table/dist/",
    # GX names 1.19.0 for one stylesheet of the same extension; 1.19.1 serves it.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/": "bootstrap-table/dist/",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/": (
        "bootstrap-datepicker/dist/"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/": "@fortawesome/fontawesome-free/",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/": (
        "@forevolve/bootstrap-dark/dist/"
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}

# Files and folders copied from node_modules into static/vendor/ (same relative paths).
VENDOR_FILES: tuple[str, ...] = (
    "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.min.js",
    "jquery/dist/jquery.min.js",
    "popper.js/dist/umd/popper.min.js",
    "bootstrap-table/dist/bootstrap-table.min.css",
    "bootstrap-table/dist/bootstrap-table.min.js",
    "bootstrap-table/dist/extensions/filter-control/",
    "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "@fortawesome/fontawesome-free/css/all.min.css",
    "@fortawesome/fontawesome-free/webfonts/",
    "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "vega/build/vega.min.js",
    "vega-lite/build/vega-lite.min.js",
    "vega-embed/build/vega-embed.min.js",
)

GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
_LOGO = re.compile(re.escape(GX_ASSETS) + r"([\w.-]+?\.(?:png|svg))(\?[^\"')]*)?")
_STATIC_LINK = re.compile(r"((?:src|href)=\")(?:\./|(?:\.\./)+)?static/")
_NEWSLETTER = re.compile(r"<p>\s*Stay current on everything GX.*?</p>", re.S)
_GX_LINK = re.compile(
    r"<a [^>]*href=\"https?://(?:www\.)?greatexpectations\.io[^\"]*\"[^>]*>(.*?)</a>", re.S
)
# What a browser would fetch: a src/href attribute or a CSS url() pointing outside the site.
_EXTERNAL_LINK = re.compile(r"(?:(?:src|href)=\"|url\(['\"]?)(https?://[^\s\"'<>)]+)")


class OfflineAssetsMissing(RuntimeError):
    pass


def copy_vendor_assets(site: Path, node_modules: Path | None = None) -> None:
    node_modules = node_modules or assets_dir() / "node_modules"
    missing = [item for item in VENDOR_FILES if not (node_modules / item).exists()]
    if missing:
        raise OfflineAssetsMissing(
            f"Data Docs assets are not installed ({missing[0]} missing): run "
            f"`npm ci --prefix {assets_dir()}` (make quality does)"
        )
    vendor = site / "static" / "vendor"
    for item in VENDOR_FILES:
        source = node_modules / item
        target = vendor / item
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)


def rewrite_page(html: str, depth: int) -> str:
    """Point every CDN, S3 and static link of a page at the site's own files."""
    up = "../" * depth
    for url, npm_path in sorted(CDN_TO_NPM.items(), key=lambda item: -len(item[0])):
        html = html.replace(url, f"{up}static/vendor/{npm_path}")
    html = _LOGO.sub(lambda m: f"{up}static/images/{m.group(1)}", html)
    # GX computes static paths from the suite name's dots and is one level short on
    # validation pages (favicon): recompute them from where the page really is.
    html = _STATIC_LINK.sub(lambda m: f"{m.group(1)}{up}static/", html)
    html = _NEWSLETTER.sub("", html)
    html = _GX_LINK.sub(lambda m: m.group(1), html)
    return html


def make_offline(site: Path, node_modules: Path | None = None) -> list[str]:
    """Vendor the assets and rewrite every page; returns any external URL left (none)."""
    copy_vendor_assets(site, node_modules)
    for css in (site / "static" / "styles").glob("*.css"):
        text = css.read_text(encoding="utf-8")
        text = _LOGO.sub(lambda m: f"../images/{m.group(1)}", text)
        css.write_text(text, encoding="utf-8")
    left = []
    for page in site.rglob("*.html"):
        depth = len(page.relative_to(site).parts) - 1
        text = rewrite_page(page.read_text(encoding="utf-8"), depth)
        page.write_text(text, encoding="utf-8")
        left += [f"{page.relative_to(site)}: {url}" for url in _EXTERNAL_LINK.findall(text)]
    return left


def site_dir(gx_dir: Path) -> Path:
    return gx_dir / "uncommitted" / "data_docs" / "local_site"


def build_offline_docs(context, gx_dir: Path) -> Path:
    """Rebuild the Data Docs from scratch and make them self-contained; the index page."""
    site = site_dir(gx_dir)
    shutil.rmtree(site, ignore_errors=True)
    context.build_data_docs()
    left = make_offline(site)
    if left:
        raise OfflineAssetsMissing(f"Data Docs still link outside the site: {left[:3]}")
    return site / "index.html"
