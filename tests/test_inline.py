"""Sharing an event anywhere (inline mode) and the link under a shared card (``/start follow-<id>``).

Stories through the real python-telegram-bot client and the fake Bot API over HTTP.
"""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.localapi import InlineAnswer
from tests.conftest import Harness
from tests.fakebotapi import FakeBotApiServer

IVAN, PRIYA, ALICE, GROUP = 701, 702, 703, -1001700
LINK = "https://t.me/SummitBot?start=follow-summit-2025"


async def inline(bot: Harness, user_id: int, query: str, language_code: str | None = None) -> InlineAnswer:
    """The answer the bot gave to one inline query."""
    before = len(bot.api.inline_answers)
    bot.api.user_types_inline(user_id, query, language_code=language_code)
    await bot.settle()
    (answer,) = bot.api.inline_answers[before:]
    return answer


async def test_an_inline_query_offers_the_summits_card_in_russian_with_a_follow_button(bot: Harness) -> None:
    async with bot.running():
        answer = await inline(bot, IVAN, "саммит", language_code="ru")
    first = answer.results[0]
    assert first.id == "summit-2025"
    assert first.title == "23-й ежегодный индийско-российский саммит"
    assert first.description is not None
    assert first.description == "5—6 декабря 2025\u202fг. · Не подтверждено ни одним из правительств"
    assert first.parse_mode == "HTML"
    lines = first.plain.splitlines()
    assert lines[0] == "23-й ежегодный индийско-российский саммит"
    assert "📍 Нью-Дели" in lines
    assert not any(line.startswith("⏳") for line in lines), "a shared card carries no countdown to go stale"
    assert lines[-1].startswith("Источник: ")
    assert first.urls == [("🔔 Следить в summitbot", LINK)]
    assert answer.is_personal


async def test_an_inline_query_matches_names_in_any_language_and_typos(bot: Harness) -> None:
    async with bot.running():
        hindi = await inline(bot, PRIYA, "शिखर सम्मेलन", language_code="hi")
        typo = await inline(bot, ALICE, "lavorv")
        nothing = await inline(bot, ALICE, "football")
    assert hindi.results[0].title == "23वां भारत-रूस वार्षिक शिखर सम्मेलन"
    assert [r.id for r in typo.results] == ["lavrov-visit-2025"]
    assert typo.results[0].urls == [
        ("🔔 Follow in summitbot", "https://t.me/SummitBot?start=follow-lavrov-visit-2025")
    ]
    assert nothing.results == ()


async def test_an_empty_inline_query_lists_the_upcoming_events(bot: Harness) -> None:
    async with bot.running():
        answer = await inline(bot, ALICE, "")
    assert [r.id for r in answer.results] == [
        "military-commission-2025",
        "lavrov-visit-2025",
        "summit-2025",
        "rt-india-launch",
    ]


async def test_the_sharers_chosen_language_wins_over_their_clients(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/language हिन्दी")
        answer = await inline(bot, ALICE, "summit", language_code="en")
    assert answer.results[0].title == "23वां भारत-रूस वार्षिक शिखर सम्मेलन"


async def test_the_follow_link_follows_that_event_and_shows_its_card(bot: Harness) -> None:
    async with bot.running():
        (followed,) = await bot.ask(ALICE, "/start follow-summit-2025")
        (again,) = await bot.ask(ALICE, "/start follow-summit-2025")
        assert not await bot.store.is_subscribed(ALICE), "one event, not every event"
        assert await bot.store.follows_of(ALICE) == {"summit-2025": "follow"}
    head, card = followed.split("\n\n", 1)
    assert head == (
        "You follow 23rd India–Russia annual summit: its reminders and a note whenever its status, date or "
        "place changes will come here. /unfollow stops them."
    )
    assert card.startswith("23rd India–Russia annual summit\n🗓 5–6 December 2025")
    assert ("🔕 Unfollow", "u:summit-2025") in bot.api.sent_to(ALICE)[0].buttons
    assert again.startswith("You already follow 23rd India–Russia annual summit.")


async def test_the_follow_link_speaks_the_language_of_the_client_that_opened_it(bot: Harness) -> None:
    async with bot.running():
        (followed,) = await bot.ask(IVAN, "/start follow-summit-2025", language_code="ru")
    assert followed.startswith("Вы следите за событием 23-й ежегодный индийско-российский саммит")


@pytest.mark.parametrize(
    "parameter",
    ["follow-no-such-event", "follow-", "summit-2025", "hello", "follow-summit-2025 extra", "føllow-x"],
)
async def test_an_unknown_or_malformed_start_parameter_gets_the_welcome_and_a_note(
    bot: Harness, parameter: str
) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, f"/start {parameter}")
        assert not await bot.store.is_subscribed(ALICE)
    assert reply.startswith("Welcome to summitbot.")
    assert reply.endswith(
        "The link you followed names no event I know; it may have been taken out of the calendar."
    )
    assert ("🔔 Subscribe", "subscribe") in bot.api.sent_to(ALICE)[0].buttons


async def test_in_a_group_the_follow_link_follows_the_event_only_for_an_admin(bot: Harness) -> None:
    bot.api.add_chat_member(GROUP, IVAN, "administrator", chat_type="supergroup")
    async with bot.running():
        (refused,) = await bot.ask(GROUP, "/start@SummitBot follow-summit-2025", user_id=PRIYA)
        assert await bot.store.follows_of(GROUP) == {}
        (followed,) = await bot.ask(GROUP, "/start@SummitBot follow-summit-2025", user_id=IVAN)
        assert await bot.store.follows_of(GROUP) == {"summit-2025": "follow"}
    assert refused.startswith("Only this group's admins can change its settings.")
    assert followed.startswith("You follow 23rd India–Russia annual summit")


async def test_help_says_how_to_share_an_event(bot: Harness) -> None:
    async with bot.running():
        (helped,) = await bot.ask(ALICE, "/help")
    assert helped.endswith(
        "To share an event in any chat, type @SummitBot and its name, for example @SummitBot summit."
    )


# ---------------------------------------------------------------- the fake Telegram's side


def article(result_id: str, text: str = "<b>card</b>") -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": "A card",
        "input_message_content": {"message_text": text, "parse_mode": "HTML"},
    }


@pytest.mark.parametrize(
    ("results", "complaint"),
    [
        ([article(str(i)) for i in range(51)], "RESULTS_TOO_MUCH"),
        ([article("same"), article("same")], "RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], "RESULT_ID_INVALID"),
        ([article("")], "RESULT_ID_INVALID"),
        ([article("ok", "<b>unclosed")], "can't find end tag"),
        ([{**article("ok"), "reply_markup": {"inline_keyboard": [[{"text": "x", "url": "nope"}]]}}], "URL"),
    ],
)
async def test_answers_telegram_would_refuse_are_refused(
    fake_bot_api: FakeBotApiServer, results: list[dict[str, Any]], complaint: str
) -> None:
    query_id = fake_bot_api.api.user_types_inline(ALICE, "summit")["inline_query"]["id"]
    async with Bot(token=fake_bot_api.token, base_url=fake_bot_api.base_url) as telegram:
        with pytest.raises(BadRequest, match=f"(?i){complaint}"):
            await telegram._post("answerInlineQuery", {"inline_query_id": query_id, "results": results})
    assert fake_bot_api.api.inline_answers == []


async def test_an_inline_query_can_be_answered_once_and_fifty_results_are_fine(
    fake_bot_api: FakeBotApiServer,
) -> None:
    query_id = fake_bot_api.api.user_types_inline(ALICE, "")["inline_query"]["id"]
    results = [article(f"event-{i}") for i in range(50)]
    async with Bot(token=fake_bot_api.token, base_url=fake_bot_api.base_url) as telegram:
        await telegram._post("answerInlineQuery", {"inline_query_id": query_id, "results": results})
        with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
            await telegram._post("answerInlineQuery", {"inline_query_id": query_id, "results": results})
    (answer,) = fake_bot_api.api.inline_answers
    assert len(answer.results) == 50
    assert answer.results[0].plain == "card"
