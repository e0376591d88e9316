"""Action items -> GitHub issues (`postmortem sync`) and the follow-up review.

`plan` decides (pure), `github` talks to the API (PyGithub), `review` reads the state back,
`command` is the click layer.
"""
