"""The published archive: pages, statistics and charts built from parsed post-mortems.

`pages` and `stats` are pure functions of a list of `Document`s; `plugin` adapts them to MkDocs
and `render` writes the same pages as plain Markdown for engines that do not run plugins.
"""
