"""Names people type for a time zone: IANA's own, cities, countries and abbreviations, in three scripts."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest
import yaml

from bot.matching import find_zone, load_zone_index, suggest_zone, zone_choices, zone_index


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("America/New_York", "America/New_York"),
        ("america/new_york", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("Port-au-Prince", "America/Port-au-Prince"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("Asia/Calcutta", "Asia/Calcutta"),
        ("Kolkata", "Asia/Kolkata"),
        ("Calcutta", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("New Delhi", "Asia/Kolkata"),
        ("new-delhi", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("Bombay", "Asia/Kolkata"),
        ("Chennai", "Asia/Kolkata"),
        ("Bengaluru", "Asia/Kolkata"),
        ("Bangalore", "Asia/Kolkata"),
        ("Hyderabad", "Asia/Kolkata"),
        ("India", "Asia/Kolkata"),
        ("IST", "Asia/Kolkata"),
        ("ist", "Asia/Kolkata"),
        ("Moscow", "Europe/Moscow"),
        ("MSK", "Europe/Moscow"),
        ("St Petersburg", "Europe/Moscow"),
        ("St. Petersburg", "Europe/Moscow"),
        ("Saint Petersburg", "Europe/Moscow"),
        ("saint-petersburg", "Europe/Moscow"),
        ("Novosibirsk", "Asia/Novosibirsk"),
        ("Yekaterinburg", "Asia/Yekaterinburg"),
        ("Ekaterinburg", "Asia/Yekaterinburg"),
        ("Vladivostok", "Asia/Vladivostok"),
        ("Kaliningrad", "Europe/Kaliningrad"),
        ("Samara", "Europe/Samara"),
        ("Omsk", "Asia/Omsk"),
        ("Krasnoyarsk", "Asia/Krasnoyarsk"),
        ("Irkutsk", "Asia/Irkutsk"),
        ("Yakutsk", "Asia/Yakutsk"),
        ("Magadan", "Asia/Magadan"),
        ("Kamchatka", "Asia/Kamchatka"),
        ("Москва", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Санкт-Петербург", "Europe/Moscow"),
        ("Дели", "Asia/Kolkata"),
        ("Нью-Дели", "Asia/Kolkata"),
        ("Мумбаи", "Asia/Kolkata"),
        ("Индия", "Asia/Kolkata"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("दिल्ली", "Asia/Kolkata"),
        ("नई दिल्ली", "Asia/Kolkata"),
        ("मुंबई", "Asia/Kolkata"),
        ("मॉस्को", "Europe/Moscow"),
        ("भारत", "Asia/Kolkata"),
        ("UTC", "UTC"),
        ("GMT", "GMT"),
        ("CET", "CET"),
        ("CEST", "CET"),
        ("UTC+3", "Etc/GMT-3"),
        ("GMT-5", "Etc/GMT+5"),
        ("utc+03:00", "Etc/GMT-3"),
        ("UTC−4", "Etc/GMT+4"),
        ("UTC+0", "UTC"),
        ("  Berlin  ", "Europe/Berlin"),
        ("Ber\u200blin", "Europe/Berlin"),
    ],
)
def test_a_zone_is_found_by_its_iana_name_its_city_or_a_name_people_use(typed: str, zone: str) -> None:
    found = find_zone(typed)
    assert found is not None
    assert found.key == zone


def test_gmt_plus_three_alone_is_three_hours_ahead_not_the_posix_etc_zone_behind() -> None:
    found = find_zone("GMT+3")
    assert found is not None
    assert found.key == "Etc/GMT-3"


@pytest.mark.parametrize("typed", ["Atlantis", "UTC+5:30", "UTC+15", "x" * 4080, "", "   "])
def test_a_name_no_zone_answers_to_is_not_found(typed: str) -> None:
    assert find_zone(typed) is None


@pytest.mark.parametrize(
    ("typed", "first", "count"),
    [
        ("Russia", "Europe/Kaliningrad", 12),
        ("Россия", "Europe/Kaliningrad", 12),
        ("रूस", "Europe/Kaliningrad", 12),
        ("USA", "America/New_York", 7),
        ("CST", "America/Chicago", 3),
        ("BST", "Europe/London", 2),
    ],
)
def test_a_name_that_means_several_zones_offers_them_instead_of_choosing(
    typed: str, first: str, count: int
) -> None:
    assert find_zone(typed) is None
    choices = zone_choices(typed)
    assert choices[0] == first
    assert len(choices) == count


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("Berlni", "Europe/Berlin"),
        ("Moskow", "Europe/Moscow"),
        ("Dehli", "Asia/Kolkata"),
        ("America/New_Yrok", "America/New_York"),
        ("Москв", "Europe/Moscow"),
    ],
)
def test_a_typo_gets_the_zone_it_most_likely_meant(typed: str, suggestion: str) -> None:
    assert find_zone(typed) is None
    assert suggest_zone(typed) == suggestion


def test_no_suggestion_repeats_what_was_typed() -> None:
    """Every zone is found by its own name, so nothing typed as a zone name is ever offered back."""
    for key in sorted(available_timezones()):
        for typed in (key, key.replace("_", " "), key.lower()):
            found = find_zone(typed)
            assert found is not None, typed
            assert found.key == key
    assert suggest_zone("America/New_York") is None
    assert suggest_zone("x" * 4080) is None


def test_every_name_in_the_shipped_zones_file_names_a_zone_this_machine_has() -> None:
    index = zone_index()
    known = available_timezones()
    assert set(index.names.values()) <= known
    assert all(set(zones) <= known for zones in index.ambiguous.values())


def _zones_file(**data: object) -> str:
    return yaml.safe_dump({"zones": {}, "ambiguous": [], **data}, allow_unicode=True)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"zones": {"Asia/Atlantis": ["Atlantis"]}}, "'Atlantis': unknown time zone 'Asia/Atlantis'"),
        ({"zones": {"Asia/Kolkata": ["Delhi"], "Europe/Moscow": ["delhi"]}}, "'delhi' is listed twice"),
        ({"zones": {"Asia/Kolkata": ["asia/kolkata"]}}, "'asia/kolkata' is an IANA name already"),
    ],
)
def test_a_broken_zones_file_is_refused_with_the_entry_named(data: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        load_zone_index(_zones_file(**data))
