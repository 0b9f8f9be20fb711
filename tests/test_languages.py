"""Russian and Hindi beside English, end to end: the user's Telegram client picks the language, /language
overrides it per chat, and every reply, button, menu, alert and change note follows.

Through the real python-telegram-bot client over HTTP against the fake Bot API, with the seed file,
whose texts carry Russian and Hindi translations.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import IST, Harness

IVAN, PRIYA, ALICE, GROUP = 301, 302, 303, -400
WEEK_BEFORE = datetime(2025, 11, 28, 9, 0, tzinfo=IST)
CONFIRMED = (
    "      confirmed_by: []            # neither New Delhi nor Moscow has officially confirmed the visit"
)


def confirm_summit_by_russia(bot: Harness) -> None:
    text = bot.settings.events.read_text(encoding="utf-8")
    assert CONFIRMED in text
    edited = text.replace(CONFIRMED, "      confirmed_by: [russia]", 1)
    bot.settings.events.write_text(edited, encoding="utf-8")


@pytest.mark.parametrize(
    ("code", "user", "welcome", "next_lines", "alert_head", "note_lines"),
    [
        (
            "ru",
            IVAN,
            "Добро пожаловать в summitbot.",
            [
                "Ближайшее: 23-й ежегодный индийско-российский саммит",
                "🗓 5—6 декабря 2025\u202fг.",
                "📍 Нью-Дели",
                "⏳ через 65 дней",
                "ℹ️ Не подтверждено ни одним из правительств",
            ],
            "⏰ 23-й ежегодный индийско-российский саммит — через 7 дней",
            ["• Теперь подтверждено: Россия; ещё не подтверждено: Индия"],
        ),
        (
            "hi",
            PRIYA,
            "summitbot में आपका स्वागत है।",
            [
                "अगला: 23वां भारत-रूस वार्षिक शिखर सम्मेलन",
                "🗓 5–6 दिसंबर 2025",
                "📍 नई दिल्ली",
                "⏳ 65 दिन में",
                "ℹ️ किसी भी सरकार ने पुष्टि नहीं की है",
            ],
            "⏰ 23वां भारत-रूस वार्षिक शिखर सम्मेलन — 65 दिन में".replace("65", "7"),
            None,
        ),
    ],
)
async def test_a_user_whose_client_speaks_the_language_gets_start_next_an_alert_and_a_note_in_it(
    bot: Harness,
    code: str,
    user: int,
    welcome: str,
    next_lines: list[str],
    alert_head: str,
    note_lines: list[str] | None,
) -> None:
    async with bot.running():
        (start,) = await bot.ask(user, "/start", language_code=code)
        (next_reply,) = await bot.ask(user, "/next")
        await bot.ask(user, "/subscribe")
        confirm_summit_by_russia(bot)
        await bot.settle(quiet=0.5)
        await bot.jump(WEEK_BEFORE)
    assert start.startswith(welcome)
    assert next_reply.splitlines()[:5] == next_lines
    note = next(t for t in bot.texts(user) if t.startswith("🔔"))
    alert = next(t for t in bot.texts(user) if t.startswith("⏰"))
    assert alert.splitlines()[0] == alert_head
    assert "Russia" not in note + alert  # the government and every other text of the file is translated
    if note_lines is not None:
        assert note.splitlines()[1:2] == note_lines


async def test_the_buttons_under_the_welcome_are_in_the_users_language(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(IVAN, "/start", language_code="ru")
    labels = [label for label, _ in bot.api.sent_to(IVAN)[-1].buttons]
    assert labels == ["🔔 Подписаться", "⏭ Ближайшее событие", "🗓 Все события"]


async def test_a_client_language_the_bot_does_not_speak_gets_english(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/start", language_code="de")
        (regional,) = await bot.ask(ALICE, "/next", language_code="en-US")
    assert reply.startswith("Welcome to summitbot.")
    assert regional.startswith("Next: 23rd India–Russia annual summit")


async def test_language_overrides_the_client_and_is_remembered_across_a_restart(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(IVAN, "/start", language_code="ru")
        (switched,) = await bot.ask(IVAN, "/language en")
        (next_reply,) = await bot.ask(IVAN, "/next")
    async with bot.running():
        (after,) = await bot.ask(IVAN, "/next")
    assert switched == "I speak English in this chat. Choose another language:"
    assert next_reply.startswith("Next: 23rd India–Russia annual summit")
    assert after.startswith("Next: 23rd India–Russia annual summit")


async def test_the_language_buttons_switch_the_chat_and_name_each_language_in_itself(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/language")
        menu = bot.api.sent_to(ALICE)[-1]
        assert [label for label, _ in menu.buttons] == ["English", "Русский", "हिन्दी"]
        bot.api.user_presses(ALICE, menu.message_id, "language:hi")
        await bot.settle()
        (reply,) = await bot.ask(ALICE, "/next")
    assert bot.texts(ALICE)[-2] == "इस चैट में मैं हिन्दी बोलता हूँ। दूसरी भाषा चुनें:"
    assert reply.startswith("अगला: 23वां भारत-रूस वार्षिक शिखर सम्मेलन")


async def test_a_group_speaks_the_language_it_chose_to_every_member(bot: Harness) -> None:
    bot.api.add_chat_member(GROUP, ALICE, "administrator", chat_type="supergroup", title="G")
    async with bot.running():
        await bot.ask(GROUP, "/language@SummitBot русский", user_id=ALICE, chat_type="supergroup", title="G")
        (reply,) = await bot.ask(GROUP, "/next@SummitBot", user_id=PRIYA, language_code="hi")
    assert reply.startswith("Ближайшее: 23-й ежегодный индийско-российский саммит")


async def test_an_unknown_language_is_refused_naming_the_ones_there_are(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/language klingon")
    assert reply.startswith("I don't speak “klingon”. Choose one of: English, Русский or हिन्दी.")


async def test_the_command_menu_is_registered_in_each_language(bot: Harness) -> None:
    async with bot.running():
        pass
    english = {c["command"]: c["description"] for c in bot.api.my_commands()}
    russian = {c["command"]: c["description"] for c in bot.api.my_commands(language_code="ru")}
    hindi = {c["command"]: c["description"] for c in bot.api.my_commands(language_code="hi")}
    assert english["next"] == "The next event, with countdown and status"
    assert set(russian) == set(hindi) == set(english)
    assert russian["next"] != english["next"]
    assert hindi["next"] != english["next"]
    assert all(any("а" <= c <= "я" for c in text.lower()) for text in russian.values())
    assert all(any("\u0900" <= c <= "\u097f" for c in text) for text in hindi.values())


async def test_cyrillic_and_devanagari_reach_the_user_intact_through_telegram_html(bot: Harness) -> None:
    async with bot.running():
        (russian,) = await bot.ask(IVAN, "/status", language_code="ru")
        (hindi,) = await bot.ask(PRIYA, "/status", language_code="hi")
    assert (
        "• 23-й ежегодный индийско-российский саммит: Не подтверждено ни одним из правительств [1]"
    ) in russian
    assert "• 23वां भारत-रूस वार्षिक शिखर सम्मेलन: किसी भी सरकार ने पुष्टि नहीं की है [1]" in hindi
    assert "&" not in russian + hindi  # every entity decoded: the user reads text, not markup
