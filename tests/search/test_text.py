"""The search reads pages and queries alike: whole words, codes and numbers however written, English stems."""

import pytest

from search import text


def spelled(value):
    return [value[start:end] for start, end, _ in text.words(value)]


@pytest.mark.parametrize("written", ["H-1B", "h1b", "H1B", "h-1b", "H\u20111B"])
def test_a_visa_code_is_one_term_however_it_is_written(written):
    assert text.terms(written) == ["h1b"]


def test_codes_with_digits_join_and_plain_hyphenated_words_split():
    assert text.terms("J-1 PGY-1 COVID-19 1234567P0") == ["j1", "pgy1", "covid19", "1234567p0"]
    assert text.terms("Med-Peds") == ["med", "ped"]
    assert text.terms("2031-2032") == ["2031", "2032"]


def test_a_code_is_marked_whole_where_it_is_written():
    assert spelled("apply for an H-1B visa") == ["apply", "for", "an", "H-1B", "visa"]


def test_numbers_lose_their_thousands_separators_and_ordinals_their_suffix():
    assert text.terms("almost 4,000 applications") == ["almost", "4000", "applic"]
    assert text.terms("$70,000 and 1,234,567") == ["70000", "1234567"]
    assert text.terms("November 17th, 2020") == ["novemb", "17", "2020"]
    # A comma between a number and two digits, or words, separates them.
    assert text.terms("1,50 and Harbor,Revere") == ["1", "50", "harbor", "rever"]


def test_words_are_whole_and_stemmed_so_a_short_word_is_not_a_longer_one():
    assert text.terms("ICU") != text.terms("curriculum")
    assert text.terms("med") != text.terms("medicine")
    assert text.terms("rounds") == text.terms("round")
    assert text.terms("2") != text.terms("250")


def test_common_words_accents_and_possessives_are_left_out():
    assert text.terms("The Women's Health of the Café") == ["women", "health", "cafe"]
    assert text.terms("what is the") == []
    # “US” is not a stop word (PostgreSQL's english list has no “us” either); initials join.
    assert text.terms("U.S. citizens") == text.terms("US citizens") == ["us", "citizen"]


def test_the_stored_run_finds_a_whole_term_or_a_phrase_as_a_substring():
    run = text.run("Surgical Grand Rounds on Thursdays")
    assert text.run(["grand", "round"]) in run
    assert text.run(["round", "grand"]) not in run
    assert text.run(["grand"]) in run and text.run(["gran"]) not in run
