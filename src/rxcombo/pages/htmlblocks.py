"""Monograph blocks to HTML, written directly in Python for speed (the site renders
thousands of pages); the page skeleton stays in the Jinja templates. Every text is escaped."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

SEVERITY_LABEL = {"contraindicated": "Contraindicated", "major": "Major", "moderate": "Moderate", "minor": "Minor"}

# The same texts (a medicine's class rows, its sections, its references) recur on hundreds of
# pages of one site build: each is escaped once per process. Both caches are bounded: a text or
# a reference's sections can depend on the combination a user of the web app asked for.
_REFERENCES: dict[tuple[Any, ...], str] = {}
_REFERENCES_MAX = 1 << 16


@lru_cache(maxsize=1 << 16)
def esc(value: str) -> str:
    """``html.escape(value, quote=False)``, remembered."""
    return escape(value, quote=False)


def cites(numbers: list[int]) -> str:
    if not numbers:
        return ""
    key = tuple(numbers)
    out = _CITES.get(key)
    if out is None:  # a page's citation numbers are small: the same few hundred marks recur
        if len(_CITES) >= _REFERENCES_MAX:
            _CITES.clear()
        out = _CITES[key] = '<sup class="cite">[' + ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers) + "]</sup>"
    return out


_CITES: dict[tuple[int, ...], str] = {}


def cell(c: dict[str, Any]) -> str:
    return esc(c["text"]) + cites(c["cites"])


def severity_badge(severity: str) -> str:
    return f'<span class="sev sev-{severity}">{SEVERITY_LABEL[severity]}</span>'


def block_html(b: dict[str, Any]) -> str:
    kind = b["type"]
    if kind == "p":
        return f"<p>{cell(b)}</p>"
    if kind == "list":
        head = f"<h3>{escape(b['title'], quote=False)}</h3>" if b.get("title") else ""
        return head + "<ul>" + "".join(["<li>" + esc(i["text"]) + cites(i["cites"]) + "</li>" for i in b["items"]]) + "</ul>"
    if kind == "table":
        out = ['<div class="table-wrap"><table>']
        if b.get("caption"):
            out.append(f"<caption>{escape(b['caption'], quote=False)}</caption>")
        out.append("<thead><tr>" + "".join(f'<th scope="col">{escape(h, quote=False)}</th>' for h in b["head"]) + "</tr></thead><tbody>")
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


def sections_html(sections: list[dict[str, Any]]) -> str:
    """The monograph body: one <section> per section (the class table folds on small screens).
    Built here rather than in the template: the site renders thousands of pages."""
    out = []
    for s in sections:
        sid = escape(s["id"])
        out.append(f'<section id="{sid}" aria-labelledby="h-{sid}">\n<h2 id="h-{sid}">{escape(s["title"], quote=False)}</h2>\n')
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
    items = []
    for r in references:
        source, sections = r.source, r.sections
        key = (*map(source.get, _SCALAR_FIELDS), *sections)
        body = _REFERENCES.get(key)
        if body is None:
            if len(_REFERENCES) >= _REFERENCES_MAX:
                _REFERENCES.clear()
            link = f' <a href="{escape(source["url"])}" rel="noopener">link</a>' if source.get("url") else ""
            body = _REFERENCES[key] = escape(reference_text({**source, "sections": sections}), quote=False) + link
        items.append(f'<li id="ref-{r.number}">{body}</li>')
    return '<ol class="refs">' + "".join(items) + "</ol>"
