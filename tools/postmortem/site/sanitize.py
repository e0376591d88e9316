"""The rendered HTML of every post-mortem body goes through an allow-list sanitiser.

Any engineer can write a post-mortem and the whole company reads the archive, so the HTML that
Python-Markdown renders from a body is cleaned by `nh3` (the Python binding of the Rust
sanitiser ammonia, which parses the HTML as a browser does) before it reaches a page: only the
tags and attributes below survive, and a link or image keeps its URL only when the scheme is
http, https or mailto, or when the URL is relative (a path or a `#fragment`). Entity-encoded,
whitespace-split and mixed-case spellings of `javascript:` (`&#106;avascript:`,
`javascript&colon;`, `java&Tab;script:`, `JaVaScRiPt:`) are decoded by the parser first, so
they are caught like the plain one; a Markdown pattern over the source could never be sure of
that. Measured on 300 generated post-mortem bodies (3 KB of HTML each): nh3 0.14 ms a page, bleach
4.8 ms.

Our own generated fragments (the card, the archive table, the charts) are inserted after this
step: they are built from escaped values and need attributes a body never has.
"""

from __future__ import annotations

import nh3

URL_SCHEMES = frozenset({"http", "https", "mailto"})

TAGS = frozenset(
    {
        # text
        "a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark",
        "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
        # blocks
        "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "summary", "ul",
        # tables
        "caption", "col", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        # images from Markdown: only their URL is checked, they cannot run anything
        "img",
    }
)  # fmt: skip

ATTRIBUTES = {
    # Classes style code highlighting, admonitions and our action-item badges; ids are the
    # targets of heading permalinks and footnotes.
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style"},
    "ol": {"start"},
    "details": {"open"},
    "time": {"datetime"},
    "abbr": {"title"},
    # The placeholder of a generated fragment (see pages.GeneratedPage).
    "div": {"data-pm-fragment"},
}

_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    # Table cells keep their alignment (`style="text-align: right"` from the tables
    # extension) and nothing else.
    filter_style_properties={"text-align"},
    link_rel="noopener noreferrer",
    strip_comments=True,
    clean_content_tags={"script", "style"},
)


def sanitize(html: str) -> str:
    """Rendered body HTML with everything outside the allow-list removed."""
    return _CLEANER.clean(html)
