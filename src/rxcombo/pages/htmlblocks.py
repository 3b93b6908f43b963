"""Monograph blocks to HTML, written directly in Python for speed (the site renders
thousands of pages); the page skeleton stays in the Jinja templates. Every text is escaped."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from markupsafe import escape as markup_escape  # what the templates' autoescape writes

SEVERITY_LABEL = {"contraindicated": "Contraindicated", "major": "Major", "moderate": "Moderate", "minor": "Minor"}

# The same texts (a medicine's class rows, its sections, its references) and citation marks recur
# on hundreds of pages of one site build: each is made once per process. The caches are bounded:
# a text or a reference's sections can depend on the combination a user of the web app asked for.
CACHE_SIZE = 1 << 16


@lru_cache(maxsize=CACHE_SIZE)
def esc(value: str) -> str:
    """``html.escape(value, quote=False)``, remembered."""
    return escape(value, quote=False)


def cites(numbers: list[int]) -> str:
    return _cite_mark(tuple(numbers)) if numbers else ""


@lru_cache(maxsize=CACHE_SIZE)
def _cite_mark(numbers: tuple[int, ...]) -> str:
    return '<sup class="cite">[' + ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers) + "]</sup>"


def cell(c: dict[str, Any]) -> str:
    return esc(c["text"]) + cites(c["cites"])


def severity_badge(severity: str) -> str:
    return f'<span class="sev sev-{severity}">{SEVERITY_LABEL[severity]}</span>'


def block_html(b: dict[str, Any]) -> str:
    kind = b["type"]
    if kind == "p":
        return f"<p>{cell(b)}</p>"
    if kind == "list":
        head = f"<h3>{esc(b['title'])}</h3>" if b.get("title") else ""
        return head + "<ul>" + "".join(f"<li>{cell(i)}</li>" for i in b["items"]) + "</ul>"
    if kind == "table":
        out = ['<div class="table-wrap"><table>']
        if b.get("caption"):
            out.append(f"<caption>{esc(b['caption'])}</caption>")
        out.append(_table_head(tuple(b["head"])))
        for row in b["rows"]:
            cells = [f'<th scope="row">{cell(row[0])}</th>']
            for c in row[1:]:
                cells.append(f"<td>{severity_badge(c['text'])}</td>" if c["text"] in SEVERITY_LABEL else f"<td>{cell(c)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table></div>")
        return "".join(out)
    if kind == "finding":
        e = lambda key: escape(b[key], quote=False)  # noqa: E731
        out = [f'<div class="finding sev-box-{b["severity"]}"><h3>{severity_badge(b["severity"])} {e("title")} '
               f'<span class="drugs">({escape(" + ".join(b["drugs"]), quote=False)})</span></h3>',
               f"<p>{e('summary')}{cites(b['cites'])}</p><dl>"]
        if b.get("mechanism"):
            out.append(f"<dt>Mechanism</dt><dd>{e('mechanism')}</dd>")
        out.append(f"<dt>What can happen</dt><dd>{e('effect')}</dd><dt>What to do</dt><dd>{e('management')}</dd>")
        if b.get("monitor"):
            out.append(f"<dt>What to monitor</dt><dd>{e('monitor')}</dd>")
        if b.get("documentation"):
            out.append(f"<dt>Documentation</dt><dd>{e('documentation')}</dd>")
        basis = " — " + escape("; ".join(b["basis"]), quote=False) if b.get("basis") else ""
        out.append(f"<dt>Produced by</dt><dd><code>{escape(b['rule'], quote=False)}</code>{basis}</dd></dl></div>")
        return "".join(out)
    if kind == "figure":  # a forest plot: SVG built by rxcombo.evidence.plot from escaped text
        return f'<figure class="forest">{b["svg"]}<figcaption>{escape(b["caption"], quote=False)}</figcaption></figure>'
    raise ValueError(f"unknown block type {kind!r}")


@lru_cache(maxsize=CACHE_SIZE)
def _table_head(head: tuple[str, ...]) -> str:
    return "<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in head) + "</tr></thead><tbody>"


def toc_html(sections: list[dict[str, Any]]) -> str:
    """The page's table of contents: a link to each section, then to the references."""
    return ('<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>'
            + "".join(_toc_item(s["id"], s["title"]) for s in sections)
            + '<li><a href="#references">References</a></li></ol></nav>')


@lru_cache(maxsize=CACHE_SIZE)
def _toc_item(sid: str, title: str) -> str:
    return f'<li><a href="#{markup_escape(sid)}">{markup_escape(title)}</a></li>'


@lru_cache(maxsize=CACHE_SIZE)
def _section_head(sid: str, title: str) -> str:
    sid = escape(sid)
    return f'<section id="{sid}" aria-labelledby="h-{sid}">\n<h2 id="h-{sid}">{esc(title)}</h2>\n'


def sections_html(sections: list[dict[str, Any]]) -> str:
    """The monograph body: one <section> per section (the class table folds on small screens).
    Built here rather than in the template: the site renders thousands of pages."""
    out = []
    for s in sections:
        out.append(_section_head(s["id"], s["title"]))
        fold = s["id"] == "other-medicines"
        if fold:
            out.append('<details class="collapse-small" open><summary>Show the table</summary>\n')
        for b in s["blocks"]:
            out.append(block_html(b))
            out.append("\n")
        if fold:
            out.append("</details>\n")
        out.append("</section>\n")
    return "".join(out)


# What reference_text reads of a reference (the HTML line adds its url): a line made once can be
# reused for any reference equal in these.
REFERENCE_FIELDS = ("title", "authors", "publisher", "journal", "year", "sections", "pmid", "doi")


def reference_text(ref: dict[str, Any]) -> str:
    bits = [ref.get("title", "")]
    for key in ("authors", "publisher", "journal"):
        if ref.get(key) and ref[key] not in bits:
            bits.append(ref[key])
    if ref.get("year"):
        bits.append(str(ref["year"]))
    out = ". ".join(b for b in bits if b)
    if ref.get("sections"):
        out += f" (sections: {', '.join(ref['sections'])})"
    ids = []
    if ref.get("pmid"):
        ids.append(f"PMID {ref['pmid']}")
    if ref.get("doi"):
        ids.append(f"doi:{ref['doi']}")
    if ids:
        out += ". " + "; ".join(ids)
    return out


_SCALAR_FIELDS = tuple(f for f in (*REFERENCE_FIELDS, "url") if f != "sections")


def references_html(references: list[Any]) -> str:
    """The numbered reference list of a page (``Reference`` objects: number, source, sections)."""
    return '<ol class="refs">' + "".join(
        f'<li id="ref-{r.number}">{_reference_line((*map(r.source.get, _SCALAR_FIELDS), *r.sections))}</li>'
        for r in references) + "</ol>"


@lru_cache(maxsize=CACHE_SIZE)
def _reference_line(key: tuple[Any, ...]) -> str:
    """A reference's escaped text and link, from the fields it is made of (``_SCALAR_FIELDS``,
    then the cited sections): a line made once serves every page citing the same sections."""
    ref = {name: value for name, value in zip(_SCALAR_FIELDS, key) if value is not None}
    ref["sections"] = list(key[len(_SCALAR_FIELDS):])
    link = f' <a href="{escape(ref["url"])}" rel="noopener">link</a>' if ref.get("url") else ""
    return escape(reference_text(ref), quote=False) + link
