"""The report site's pages are written in Chinese and English from one template each
(shopkpi.report_pages): text pairs pick the reader's language, {{lang}} names the column of
the reader's language, and a broken template is an error naming its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from shopkpi.report_pages import TemplateError, pages, render, write_pages

TEMPLATE = """---
title: {{Funnel || 轉化漏斗}}
sidebar_position: 3
---

```sql steps
select step_name_{{lang}} as step_name from warehouse.funnel
```

<BarChart data={steps} title="{{Sessions by step || 各步驟訪問數}}" />
"""


def _templates(folder: Path, **files: str) -> Path:
    templates = folder / "templates"
    templates.mkdir()
    for name, text in files.items():
        (templates / f"{name}.md").write_text(text, encoding="utf-8")
    return templates


def test_render_picks_the_language_and_the_column():
    assert 'title="Sessions by step"' in render(TEMPLATE, "en")
    assert "step_name_en as step_name" in render(TEMPLATE, "en")
    assert 'title="各步驟訪問數"' in render(TEMPLATE, "zh")
    assert "step_name_zh as step_name" in render(TEMPLATE, "zh")
    assert "{{" not in render(TEMPLATE, "zh")


def test_a_pair_may_span_lines_and_keeps_inner_spaces():
    text = "{{A long\nEnglish line || 一段\n中文}}"
    assert render(text, "en") == "A long\nEnglish line"
    assert render(text, "zh") == "一段\n中文"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\nb {{Only English}}", "t.md:2: {{Only English}} is neither"),
        ("{{ || 中文}}", "both languages are needed"),
        ("{{a || b || c}}", "more than one '||'"),
        ('x\n\n{{Say "hi" || 說}}', "t.md:3: a double quote"),
        ("ok\n{{lang}} {{never closed", "t.md:2: '{{' is never closed"),
        ("{{a {{lang}} || b}}", "opened again"),
    ],
)
def test_a_broken_template_names_file_and_line(text, message):
    with pytest.raises(TemplateError, match=message.replace("(", r"\(").replace("{", r"\{")):
        render(text, "en", "t.md")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        render(TEMPLATE, "fr")


def test_write_pages_writes_both_languages_home_and_switch(tmp_path):
    templates = _templates(tmp_path, funnel=TEMPLATE, index=TEMPLATE.replace("3", "1"))
    out = tmp_path / "pages"
    written = write_pages(templates, out)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "en/funnel.md",
        "en/index.md",
        "index.md",
        "zh/funnel.md",
        "zh/index.md",
    ]
    zh = (out / "zh" / "funnel.md").read_text(encoding="utf-8")
    assert zh.startswith("---\ntitle: 轉化漏斗\nsidebar_position: 3\nhide_toc: true\n---\n")
    assert '<a href="/en/funnel">English</a>' in zh
    assert '<a href="/zh/">中文</a>' in (out / "en" / "index.md").read_text(encoding="utf-8")
    home = (out / "index.md").read_text(encoding="utf-8")
    # Sidebar order: the index (position 1) before the funnel (3), in each language.
    assert home.index("(/zh/)") < home.index("(/zh/funnel)") < home.index("(/en/)")
    # Written again: nothing changes, and --check finds nothing to do.
    assert write_pages(templates, out) == []
    assert write_pages(templates, out, check=True) == []


def test_check_finds_an_edited_page_and_a_stale_one(tmp_path):
    templates = _templates(tmp_path, funnel=TEMPLATE)
    out = tmp_path / "pages"
    write_pages(templates, out)
    (out / "en" / "funnel.md").write_text("edited", encoding="utf-8")
    (out / "zh" / "gone.md").write_text("old page", encoding="utf-8")
    assert set(write_pages(templates, out, check=True)) == {
        out / "en" / "funnel.md",
        out / "zh" / "gone.md",
    }
    assert (out / "zh" / "gone.md").is_file()
    write_pages(templates, out)
    assert not (out / "zh" / "gone.md").exists()


def test_a_template_without_front_matter_is_refused(tmp_path):
    templates = _templates(tmp_path, bare="# no front matter")
    with pytest.raises(TemplateError, match="bare.md:1: a page starts with front matter"):
        pages(templates)


def test_the_project_templates_render_in_both_languages():
    """Every page of the site renders in both languages, with a title in each."""
    site_pages = pages(ROOT / "reports" / "templates")
    assert site_pages[0].slug == "index"
    for page in site_pages:
        assert page.titles["en"] != page.titles["zh"], page.slug
        for lang in ("en", "zh"):
            assert "{{" not in render(page.template.read_text("utf-8"), lang, page.slug)
