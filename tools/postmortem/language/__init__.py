"""Language checks on post-mortem prose: sentence splitting and blameless wording.

``find_blame(text, people)`` is the entry point the rule engine calls for each prose block.
"""

from postmortem.language.blame import CODES, BlameHit, find_blame
from postmortem.language.sentences import split_sentences

__all__ = ["CODES", "BlameHit", "find_blame", "split_sentences"]
