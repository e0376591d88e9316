"""Safe text for generated Markdown pages.

Every value from frontmatter is escaped before it reaches a page (`md_text`, `html_text`).

Bodies: any engineer can write a post-mortem, and the archive is read by the whole company, so
raw HTML in a body is shown as text instead of being rendered (`escape_body`): a pasted
`<script>` or `<img onerror=...>` cannot run in a reader's browser, and an error message that
quotes HTML stays readable. The same function also neutralises the other Markdown routes to
markup: `{ onclick=... }` attribute lists, character references (shown as written, so no
entity spelling of a scheme reaches a link) and `javascript:` link targets. The site's plugin
also sanitises the rendered HTML (sanitize.py); this is the layer for other renderers. HTML comments are
dropped (they are notes to the author and cannot run).

Code is kept exact: fenced code blocks that start at column 0 are passed through untouched
(Python-Markdown escapes their content). An inline code span that holds `<` or `&` is turned
into a `<code>` element here, with its content escaped; other spans keep their backticks. Every
`<` outside those is escaped, so no difference between our reading of the backticks and the
renderer's can ever let markup through (at worst an odd span shows `&lt;`). Indented code blocks are not
detected: their `<` would show as `&lt;`; use fences.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

# Characters Python-Markdown treats as escapable, plus `|` (tables) and `~` / `:` (pymdownx).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")
_CODE_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~:=^"}
_FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|~{3,})[ ]*(\{[^\n]*\}|\.?[\w#.+-]*[ ]*)?$")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>\"'`]*>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A link destination or reference definition using a script-capable scheme. Whitespace and
# control characters inside the scheme are ignored by browsers, so they are allowed here too.
_BAD_SCHEME = re.compile(
    r"(?P<lead>\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?)(?P<scheme>(?:j[\s\x00-\x1f]*a[\s\x00-\x1f]*v"
    r"[\s\x00-\x1f]*a[\s\x00-\x1f]*s[\s\x00-\x1f]*c[\s\x00-\x1f]*r[\s\x00-\x1f]*i[\s\x00-\x1f]*"
    r"p[\s\x00-\x1f]*t|vbscript|data)[\s\x00-\x1f]*:)",
    re.IGNORECASE | re.MULTILINE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def html_text(value: object) -> str:
    """Text for an HTML element or attribute."""
    return escape(_CONTROL.sub("", str(value)), quote=True)


def md_text(value: object) -> str:
    """Text for a Markdown paragraph, heading or table cell: shown exactly as written."""
    return _MD_SPECIAL.sub(r"\\\1", html_text(value)).replace("\n", " ")


def _code_html(code: str) -> str:
    text = escape(code, quote=False)
    return "<code>" + "".join(_CODE_ENTITIES.get(c, c) for c in text) + "</code>"


_SPECIAL = re.compile(r"[\\`<{&]")
# A character reference: shown as written (like raw HTML), so that no spelling of a URL scheme
# through entities (`&#106;avascript:`, `javascript&colon;`) reaches a link, whatever renders
# the Markdown (`postmortem render` output is rendered by engines without our sanitiser).
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _inline(text: str) -> str:
    """Escape one run of non-fenced Markdown: code spans become <code>, `<` becomes &lt;."""
    out: list[str] = []
    i, n = 0, len(text)
    last_close = text.rfind("-->")  # no search for an end of comment past the last one
    while i < n:
        found = _SPECIAL.search(text, i)
        if found is None:
            out.append(text[i:])
            break
        start = found.start()
        out.append(text[i:start])
        i = start
        char = text[i]
        if char == "\\":
            if i + 1 < n and text[i + 1] in "\\`{":
                out.append(text[i : i + 2])
                i += 2
            else:
                out.append(char)
                i += 1
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            tick = "`" * run
            j = i + run
            close = -1
            while True:
                j = text.find(tick, j)
                if j == -1:
                    break
                after = j + run
                if (after >= n or text[after] != "`") and text[j - 1] != "`":
                    close = j
                    break
                j = after + len(text[after:]) - len(text[after:].lstrip("`"))
            # A code span never crosses a blank line (a paragraph break).
            if close != -1 and "\n\n" not in text[i:close]:
                raw = text[i : close + run]
                if "<" not in raw and "&" not in raw:
                    # Nothing in it could become markup: keep the backticks (cheaper to render).
                    out.append(raw)
                else:
                    content = text[i + run : close].replace("\n", " ")
                    if content.startswith(" ") and content.endswith(" ") and content.strip():
                        content = content[1:-1]
                    out.append(_code_html(content))
                i = close + run
                continue
            out.append(tick)
            i += run
            continue
        if char == "&":
            out.append("&amp;" if _ENTITY.match(text, i) else "&")
            i += 1
            continue
        if char == "<":
            if text.startswith("<!--", i):
                end = text.find("-->", i + 4) if last_close >= i + 4 else -1
                if end != -1:
                    i = end + 3
                    continue
            link = _AUTOLINK.match(text, i)
            if link:
                out.append(link.group(0))
                i = link.end()
                continue
            out.append("&lt;")
        else:
            out.append("\\{")  # attribute lists could add event handlers
        i += 1
    result = "".join(out)
    if ":" in result:
        result = _BAD_SCHEME.sub(
            lambda m: m["lead"] + "unsafe-" + re.sub(r"\W", "", m["scheme"]) + ":", result
        )
    return result


def escape_body(markdown: str) -> str:
    """A post-mortem body with raw HTML shown as text (see the module docstring)."""
    lines = markdown.split("\n")
    out: list[str] = []
    pending: list[str] = []
    i = 0
    while i < len(lines):
        opening = _FENCE_OPEN.match(lines[i])
        if opening:
            fence = opening["fence"]
            end = next((j for j in range(i + 1, len(lines)) if lines[j].rstrip(" ") == fence), None)
            if end is not None:
                if pending:
                    out.append(_inline("\n".join(pending)))
                    pending = []
                out.extend(lines[i : end + 1])
                i = end + 1
                continue
        pending.append(lines[i])
        i += 1
    if pending:
        out.append(_inline("\n".join(pending)))
    return "\n".join(out)


def escape_cell(text: str) -> str:
    """A table cell's Markdown, escaped like a body, with its pipes kept inside the cell."""
    escaped = _inline(text.replace("\n", " "))
    return re.sub(r"(?<!\\)\|", r"\|", escaped)


# Labels stop at a bracket and destinations at an unbalanced parenthesis, so that each
# attempt scans only to the next one: `[^\]]+` scanned to the end of the text from every `[`,
# and 100 KB of `[` took minutes. A destination may hold one level of parentheses (Wikipedia).
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\((?:[^()]|\([^()]*\))*\)")


def _without_comments(text: str) -> str:
    """`_COMMENT.sub("", text)` in linear time: the regex scans to the end of the text from
    every unclosed `<!--`."""
    parts = []
    done = 0
    while (start := text.find("<!--", done)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        parts.append(text[done:start])
        done = end + 3
    parts.append(text[done:])
    return "".join(parts)


def plain(text: str) -> str:
    """Markdown source reduced to readable plain text (for feed summaries)."""
    text = _without_comments(text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"[`*_]+", "", text)
    return _CONTROL.sub("", re.sub(r"\s+", " ", text)).strip()


def page_frontmatter(values: dict[str, Any]) -> str:
    """The YAML frontmatter of a generated page."""
    # JSON is YAML: one line per value, quoted and escaped, and far faster to write than
    # yaml.safe_dump (this runs once per generated page).
    lines = "".join(f"{key}: {json.dumps(value)}\n" for key, value in values.items())
    return "---\n" + lines + "---\n\n"
