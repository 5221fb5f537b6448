"""The report site's pages in Chinese and English, written from one template per page.

Each page of the report site (``reports/``, Evidence) is written once, in
``reports/templates/<page>.md``: its SQL, its components and its text. Text a reader sees is
written as a pair, ``{{ English || 中文 }}``; ``{{lang}}`` stands for the language code (``en``
or ``zh``), so a query picks the name column of the reader's language, e.g.
``kpi_name_{{lang}}`` or ``channel_name_{{lang}}`` (names of KPIs, channels, segments and
codes come from the KPI registry and the reference seeds, never from the page).

``shopkpi report-pages`` (run by ``make reports``) writes, for each template,
``reports/pages/en/<page>.md`` and ``reports/pages/zh/<page>.md``, each starting with a
link to the same page in the other language, and ``reports/pages/index.md``, the site's
home, listing every page in both languages. Pages leave out Evidence's "on this page"
column (``hide_toc: true``: wide tables need the room) unless the template sets
``hide_toc``. The written pages are build output (ignored by git); ``--check`` exits 1
when they differ from what the templates give.

A template error names the file and line: a pair without ``||``, an unclosed ``{{``, an
unknown ``{{word}}``, a double quote inside a pair (it would end a component's attribute).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
HOME_TITLE = "shopkpi 運營報表 · Operations reports"

# `{{ ... }}`: the shortest run up to the first `}}`, across lines.
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_FRONTMATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


class TemplateError(ValueError):
    """A report page template that cannot be written: the message names file and line."""


@dataclass(frozen=True)
class Page:
    """One page of the site: its template, its slug (file stem), position and titles."""

    template: Path
    slug: str
    position: int
    titles: dict[str, str]

    def path(self, lang: str) -> str:
        """The page's address in the built site."""
        return f"/{lang}/" if self.slug == "index" else f"/{lang}/{self.slug}"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def render(text: str, lang: str, source: str = "<template>") -> str:
    """The template ``text`` in language ``lang`` (``en`` or ``zh``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        inner = match.group(1)
        where = f"{source}:{_line_of(text, match.start())}"
        if "{{" in inner:
            raise TemplateError(f"{where}: '{{{{' opened again before '}}}}' closed it")
        if inner.strip() == "lang":
            value = lang
        elif "||" in inner:
            english, _, chinese = inner.partition("||")
            if "||" in chinese:
                raise TemplateError(f"{where}: more than one '||' in {{{{{inner}}}}}")
            english, chinese = english.strip(), chinese.strip()
            if not english or not chinese:
                raise TemplateError(f"{where}: both languages are needed in {{{{{inner}}}}}")
            if '"' in english or '"' in chinese:
                raise TemplateError(
                    f"{where}: a double quote in {{{{{inner}}}}} would end a component's "
                    "attribute: use 「」 or ’ instead"
                )
            value = english if lang == "en" else chinese
        else:
            raise TemplateError(
                f"{where}: {{{{{inner}}}}} is neither {{{{lang}}}} nor an "
                "{{ English || 中文 }} pair"
            )
        pieces.append(text[position : match.start()])
        pieces.append(value)
        position = match.end()
    rest = text[position:]
    if "{{" in rest:
        offset = position + rest.index("{{")
        raise TemplateError(f"{source}:{_line_of(text, offset)}: '{{{{' is never closed")
    pieces.append(rest)
    return "".join(pieces)


def _frontmatter(text: str, source: str) -> dict[str, str]:
    match = _FRONTMATTER.match(text)
    if not match:
        raise TemplateError(f"{source}:1: a page starts with front matter (--- title: ... ---)")
    fields = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            fields[key.strip()] = value.strip()
    for key in ("title", "sidebar_position"):
        if key not in fields:
            raise TemplateError(f"{source}:1: the front matter has no {key}")
    return fields


def pages(templates: Path) -> list[Page]:
    """The site's pages, in sidebar order, from the templates folder."""
    found = []
    for template in sorted(templates.glob("*.md")):
        text = template.read_text(encoding="utf-8")
        fields = _frontmatter(text, str(template))
        try:
            position = int(fields["sidebar_position"])
        except ValueError:
            raise TemplateError(f"{template}:1: sidebar_position is not a whole number") from None
        titles = {lang: render(fields["title"], lang, str(template)) for lang in LANGUAGES}
        found.append(Page(template, template.stem, position, titles))
    if not found:
        raise TemplateError(f"{templates}: no page templates (*.md)")
    return sorted(found, key=lambda page: (page.position, page.slug))


def _switch_line(page: Page, lang: str) -> str:
    """The link to the same page in the other language, first thing under the title."""
    other = "en" if lang == "zh" else "zh"
    return (
        f'<p class="text-sm text-right"><a href="{page.path(other)}">'
        f"{LANGUAGE_NAMES[other]}</a></p>\n\n"
    )


def page_text(page: Page, lang: str) -> str:
    """The page written in ``lang``: the rendered template with the language link."""
    text = render(page.template.read_text(encoding="utf-8"), lang, str(page.template))
    match = _FRONTMATTER.match(text)
    assert match  # checked by pages()
    front = match.group(1)
    if not re.search(r"^hide_toc:", front, re.MULTILINE):
        front += "\nhide_toc: true"
    return f"---\n{front}\n---\n\n" + _switch_line(page, lang) + text[match.end() :].lstrip("\n")


HOME_FRESHNESS = """```sql refresh
select * from warehouse.refresh
```

數據期間 Data: <Value data={refresh} column=data_start_date fmt="yyyy-mm-dd" /> – \
<Value data={refresh} column=data_end_date fmt="yyyy-mm-dd" /> · \
更新於 refreshed <Value data={refresh} column=refreshed_at_text />
"""


def home_text(site_pages: list[Page]) -> str:
    """The site's home page: the data's date range and refresh time, then every page in
    both languages."""
    lines = ["---", f"title: {HOME_TITLE}", "---", "", HOME_FRESHNESS]
    for lang in LANGUAGES:
        lines += [f"## {LANGUAGE_NAMES[lang]}", ""]
        lines += [f"- [{page.titles[lang]}]({page.path(lang)})" for page in site_pages]
        lines.append("")
    return "\n".join(lines)


def written_files(templates: Path) -> dict[Path, str]:
    """Every file the site's pages folder holds, relative to it, with its text."""
    site_pages = pages(templates)
    files = {Path("index.md"): home_text(site_pages)}
    for page in site_pages:
        for lang in LANGUAGES:
            files[Path(lang) / f"{page.slug}.md"] = page_text(page, lang)
    return files


def write_pages(templates: Path, out: Path, check: bool = False) -> list[Path]:
    """Write the pages into ``out`` (reports/pages); with ``check``, write nothing and return
    the files that differ or are missing. Stale language pages are removed when writing."""
    files = written_files(templates)
    differing = [
        out / relative
        for relative, text in files.items()
        if not (out / relative).is_file() or (out / relative).read_text(encoding="utf-8") != text
    ]
    stale = [
        path
        for lang in LANGUAGES
        for path in sorted((out / lang).glob("*.md"))
        if path.relative_to(out) not in files
    ]
    if check:
        return differing + stale
    for path in stale:
        path.unlink()
    for relative, text in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return differing + stale
