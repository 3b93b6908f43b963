"""Render a monograph as Markdown (Jekyll-ready), HTML or JSON. All text is escaped."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rxcombo.pages.htmlblocks import SEVERITY_LABEL, block_html, reference_text, references_html, sections_html, toc_html
from rxcombo.pages.monograph import Monograph

@lru_cache(maxsize=1)
def environment() -> Environment:
    """Templates ship inside the package (rxcombo/templates)."""
    env = Environment(loader=PackageLoader("rxcombo", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals["severity_label"] = SEVERITY_LABEL
    env.globals["block_html"] = block_html
    env.globals["references_html"] = references_html
    env.globals["sections_html"] = sections_html
    env.globals["toc_html"] = toc_html
    return env


def md_escape(text: str) -> str:
    """Neutralise Markdown and HTML in knowledge-base text."""
    out = html.escape(text, quote=False)  # &, <, >
    for ch in "\\`*_[]|":
        out = out.replace(ch, "\\" + ch)
    return out


def md_cites(numbers: list[int]) -> str:
    return (" " + "".join(f"[[{n}]](#ref-{n})" for n in numbers)) if numbers else ""


def render_json(monograph: Monograph) -> str:
    return json.dumps(monograph.to_dict(readability=True), ensure_ascii=False, indent=2)


def render_markdown(monograph: Monograph) -> str:
    """Markdown with the seed site's front matter (layout: minimal-medicine)."""
    title = json.dumps(html.escape(monograph.title, quote=False), ensure_ascii=False)  # a JSON string is valid YAML
    out = ["---", "layout: minimal-medicine", f"title: {title}", f"audience: {monograph.audience}", "---", "",
           f"# {md_escape(monograph.title)}", ""]
    for section in monograph.sections:
        out.append(f"## {section['title']}")
        out.append("")
        for block in section["blocks"]:
            out.extend(_md_block(block))
            out.append("")
    out.append("## References")
    out.append("")
    for ref in monograph.to_dict()["references"]:
        link = f" <{ref['url']}>" if ref.get("url") else ""
        out.append(f'{ref["number"]}. <a id="ref-{ref["number"]}"></a>{md_escape(reference_text(ref))}{link}')
    out += ["", "## Disclaimer", "", md_escape(monograph.disclaimer), ""]
    return "\n".join(out)


def _md_block(block: dict[str, Any]) -> list[str]:
    kind = block["type"]
    if kind == "p":
        return [md_escape(block["text"]) + md_cites(block["cites"])]
    if kind == "list":
        lines = [f"**{md_escape(block['title'])}**", ""] if block.get("title") else []
        return lines + [f"* {md_escape(i['text'])}{md_cites(i['cites'])}" for i in block["items"]]
    if kind == "table":
        lines = [f"*{md_escape(block['caption'])}*", ""] if block.get("caption") else []
        lines.append("| " + " | ".join(md_escape(h) for h in block["head"]) + " |")
        lines.append("|" + "---|" * len(block["head"]))
        for row in block["rows"]:
            lines.append("| " + " | ".join(md_escape(c["text"]) + md_cites(c["cites"]) for c in row) + " |")
        return lines
    if kind == "finding":
        lines = [f"### {SEVERITY_LABEL[block['severity']]}: {md_escape(block['title'])} ({md_escape(' + '.join(block['drugs']))})", "",
                 md_escape(block["summary"]) + md_cites(block["cites"]), ""]
        for key, label in (("mechanism", "Mechanism"), ("effect", "What can happen"), ("management", "What to do"),
                           ("monitor", "What to monitor"), ("documentation", "Documentation")):
            if block.get(key):
                lines.append(f"* **{label}:** {md_escape(block[key])}")
        lines.append(f"* **Rule:** `{block['rule']}`")
        return lines
    if kind == "figure":  # the SVG is written beside the page (rxcombo.evidence.blocks.write_figures)
        return [f"![{md_escape(block['caption'])}]({block['file']})"]
    raise ValueError(f"unknown block type {kind!r}")


def render_html(monograph: Monograph, base_url: str = "", standalone: bool = True, nav: list[tuple[str, str]] | None = None) -> str:
    template = environment().get_template("monograph.html")
    return template.render(m=monograph, base=base_url, standalone=standalone, nav=nav or [])
