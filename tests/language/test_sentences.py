"""Sentence splitting: offsets must index the original text exactly (findings point at columns)."""

from postmortem.language.sentences import SentenceIndex, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_splits_on_terminal_punctuation_and_keeps_offsets() -> None:
    text = "Alice acknowledged the page at 10:12. The cache failed!  Why did it fail? yes"
    assert sentences(text) == [
        "Alice acknowledged the page at 10:12.",
        "The cache failed!",
        "Why did it fail?",
        "yes",
    ]
    for start, end in split_sentences(text):
        assert text[start:end] == text[start:end].strip()


def test_abbreviations_decimals_and_versions_do_not_split() -> None:
    text = "Services, e.g. Kafka, lagged by 2.5 s. Version 1.2.3 was deployed, i.e. the hotfix."
    assert sentences(text) == [
        "Services, e.g. Kafka, lagged by 2.5 s.",
        "Version 1.2.3 was deployed, i.e. the hotfix.",
    ]


def test_blank_lines_and_list_items_are_boundaries() -> None:
    text = "First point\n- second item\n- third item\n\nNew paragraph"
    assert sentences(text) == ["First point", "- second item", "- third item", "New paragraph"]


def test_elisions_split_before_a_capital() -> None:
    text = "misjudged the impact ... They did not ask for a review ..."
    assert sentences(text) == ["misjudged the impact ...", "They did not ask for a review ..."]


def test_empty_and_whitespace() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n ") == []


def test_index_finds_the_sentence_around_an_offset() -> None:
    text = "One. Two words here. Three."
    index = SentenceIndex(text)
    assert text.__getitem__(slice(*index.around(text.index("words")))) == "Two words here."
    assert text.__getitem__(slice(*index.around(0))) == "One."
    assert SentenceIndex("").around(0) == (0, 0)
