"""Markdown rendering, numbered choices, post cutting and reply shapes (no Rasa)."""

from __future__ import annotations

import pytest

from bot.runtime.channels.agents.choices import HELP_PAYLOAD, PendingChoices, chosen_number
from bot.runtime.channels.agents.markdown import (
    CUT_NOTICE,
    MAX_POST_CHARS,
    Choice,
    cut_post,
    emphasise,
    escape,
    render_messages,
)
from bot.runtime.channels.agents.options import ChannelOptions
from bot.runtime.channels.agents.payloads import parse_request
from bot.runtime.channels.agents.replies import WAIT_MESSAGE, answer_prefix, reply_body, wait_body
from tests.channels.mattermost import generic, mm_id, outgoing_webhook, slash_command

SGAR_BUTTONS = [
    {
        "title": "Transformation numérique : ateliers découverte (jeudi 19 novembre)",
        "payload": '/inform{"event":"demarches-simplifiees-osmose"}',
    },
    {
        "title": "Serious game : mener un entretien difficile (mercredi 25 novembre)",
        "payload": '/inform{"event":"serious-game"}',
    },
    {
        "title": "Transformation managériale et digitale = Passer le cap (jeudi 26 novembre)",
        "payload": '/inform{"event":"passer-le-cap"}',
    },
    {
        "title": "La création de services numériques à travers la démarche design (jeudi 26 novembre)",
        "payload": '/inform{"event":"design"}',
    },
]
AMBIGUOUS = {
    "recipient_id": "x",
    "text": "Plusieurs événements correspondent :\n- Serious game : 25 novembre\nLequel vous intéresse ?",
    "buttons": SGAR_BUTTONS,
}


def test_headings_titles_and_labels_are_bold_list_items_untouched():
    card = "Serious game : mener un entretien difficile\nDate : mercredi 25 novembre 2020\nOrganisation : le SGAR\nUn atelier."
    assert emphasise(card).split("\n") == [
        "**Serious game : mener un entretien difficile**",
        "**Date :** mercredi 25 novembre 2020",
        "**Organisation :** le SGAR",
        "Un atelier.",
    ]
    listing = "Au programme :\nJeudi 26 novembre 2020 :\n- Passer le cap : un atelier (le SGAR)\n- Design\nVendredi :\n- Autre\nLequel ?"
    assert emphasise(listing) == (
        "**Au programme :**\n**Jeudi 26 novembre 2020 :**\n\n- Passer le cap : un atelier (le SGAR)\n"
        "- Design\n\n**Vendredi :**\n\n- Autre\n\nLequel ?"
    )
    assert (
        emphasise("Serious game a lieu le mercredi 25 novembre 2020.")
        == "Serious game a lieu le mercredi 25 novembre 2020."
    )


def test_escape_neutralises_markdown_and_mentions_but_not_urls_or_emails():
    assert escape("*gras* _it_ `code` [lien](x)") == r"\*gras\* \_it\_ \`code\` \[lien\](x)"
    assert escape("# titre\n> citation") == "\\# titre\n\\> citation"
    assert escape("@channel et @all") == "@\u200bchannel et @\u200ball"
    assert escape("contact@prefecture.gouv.fr") == "contact@prefecture.gouv.fr"
    assert escape("https://ex.gouv.fr/a_b*c") == "https://ex.gouv.fr/a_b*c"


QUOTED_SECTION = "3 questions à Anne-Laure Guillaume"
QUOTED = "Quelle est la place du Lab ?\n> Etat'LIN est le laboratoire d'innovation publique de l'État."
QUOTED_REPLY = (
    f"Voici ce qu'en dit le dossier de presse (« {QUOTED_SECTION} ») :\n« {QUOTED} »\n"
    "Pour en savoir plus, contactez : Préfecture de Loire-Atlantique."
)


def test_a_press_kit_quotation_becomes_a_markdown_quote_with_its_section():
    # As Rasa's collecting channel sends it: the text, then the quotation alone in `custom`.
    rendered = render_messages(
        [
            {"recipient_id": "u", "text": QUOTED_REPLY},
            {"recipient_id": "u", "custom": {"quote": {"text": QUOTED, "section": QUOTED_SECTION}}},
        ]
    )
    assert rendered.posts == [
        f"**Voici ce qu'en dit le dossier de presse (« {QUOTED_SECTION} ») :**\n\n"
        "> « Quelle est la place du Lab ?\n"
        "> \\> Etat'LIN est le laboratoire d'innovation publique de l'État. »\n\n"
        f"— {QUOTED_SECTION}\n\n"
        "Pour en savoir plus, contactez : Préfecture de Loire-Atlantique."
    ]


def test_an_answer_about_one_event_links_its_calendar_file_on_the_citizens_page():
    messages = [
        {"recipient_id": "u", "text": "Tout comprendre sur les communs a lieu le jeudi 19 novembre 2020."},
        {"recipient_id": "u", "custom": {"calendar": {"event": "communs", "title": "Tout comprendre sur les communs"}}},
    ]
    [post] = render_messages(messages, "", "https://innovation.exemple.gouv.fr").posts
    assert post.endswith("\n\n[Ajouter à mon agenda](https://innovation.exemple.gouv.fr/evenements/communs.ics)")
    [post] = render_messages(messages).posts  # no page to link to: no link
    assert "agenda" not in post


def test_a_bot_text_starting_a_line_with_a_chevron_is_still_no_quote():
    [post] = render_messages([{"text": "« citation »\n> pas une citation", "custom": {"autre": 1}}]).posts
    assert "\n\\> pas une citation" in post


def test_buttons_become_a_numbered_list_with_a_hint():
    rendered = render_messages([AMBIGUOUS], "/evenements")
    post = rendered.posts[0]
    assert post.startswith("**Plusieurs événements correspondent :**\n\n- Serious game : 25 novembre\n\nLequel")
    assert "\n\n1. Transformation numérique : ateliers découverte (jeudi 19 novembre)\n2. Serious game" in post
    assert "4. La création de services numériques" in post
    assert post.endswith("_Répondez par le numéro de votre choix, par exemple `/evenements 1`._")
    assert [c.payload for c in rendered.choices] == [b["payload"] for b in SGAR_BUTTONS]


def test_choices_are_numbered_across_messages_and_images_kept():
    rendered = render_messages(
        [
            {"text": "A", "buttons": SGAR_BUTTONS[:2]},
            {"text": "B", "buttons": SGAR_BUTTONS[2:]},
            {"image": "https://ex.gouv.fr/a.png"},
        ]
    )
    assert "1. " in rendered.posts[0] and "3. Transformation managériale" in rendered.posts[1]
    assert rendered.posts[2].startswith("![image](https://ex.gouv.fr/a.png)") and "`1`" in rendered.posts[2]
    assert len(rendered.choices) == 4


def test_answering_a_number_sends_the_payload_of_that_button():
    store = PendingChoices()
    store.remember("mattermost:c:u", [Choice(b["title"], b["payload"]) for b in SGAR_BUTTONS])
    assert store.resolve("mattermost:c:u", "2") == '/inform{"event":"serious-game"}'
    assert store.resolve("mattermost:c:u", " n°4. ") == '/inform{"event":"design"}'
    assert store.resolve("mattermost:c:u", "5") == "5"  # out of range: the words go to the NLU
    assert store.resolve("mattermost:other:u", "2") == "2"  # other conversation, no pending choice
    assert store.resolve("mattermost:c:u", "   ") == HELP_PAYLOAD
    store.remember("mattermost:c:u", [])
    assert store.resolve("mattermost:c:u", "2") == "2"


def test_pending_choices_expire_and_are_bounded():
    now = [0.0]
    store = PendingChoices(ttl_seconds=60, max_conversations=2, clock=lambda: now[0])
    for sender in ("a", "b", "c"):
        store.remember(sender, [Choice("x", "/x")])
    assert len(store) == 2 and store.pending("a") == ()
    now[0] = 61
    assert store.pending("b") == () and store.resolve("c", "1") == "1"


@pytest.mark.parametrize(
    "text, number", [("2", 2), ("2.", 2), ("#3", 3), ("n° 1", 1), ("2 ateliers", None), ("", None)]
)
def test_chosen_number(text, number):
    assert chosen_number(text) == number


def test_cut_post_on_a_line_boundary():
    lines = [f"- Ligne {i:05d} : " + "x" * 80 for i in range(400)]
    text = "\n".join(lines)
    assert len(text) > MAX_POST_CHARS
    cut = cut_post(text)
    assert len(cut) <= MAX_POST_CHARS and cut.endswith(CUT_NOTICE)
    kept = cut[: -len(CUT_NOTICE)].split("\n")
    assert kept == lines[: len(kept)]  # whole lines only
    assert cut_post("court") == "court"
    assert len(cut_post("mot " * 5000, limit=1000)) <= 1000


def test_reply_shapes_per_kind():
    channel, user = mm_id(), mm_id()
    options = ChannelOptions()
    rendered = render_messages([{"text": "Premier."}, {"text": "Second."}])
    outgoing = parse_request(outgoing_webhook("@evenements x", channel_id=channel, user_id=user))
    assert reply_body(outgoing, rendered, options) == {"text": "Premier.\n\nSecond.", "response_type": "comment"}
    slash = parse_request(slash_command("x", channel_id=channel, user_id=user))
    assert reply_body(slash, rendered, options) == {
        "response_type": "ephemeral",
        "text": "Premier.",
        "extra_responses": [{"response_type": "ephemeral", "text": "Second."}],
    }
    in_channel = ChannelOptions(slash_response_type="in_channel")
    assert reply_body(slash, rendered, in_channel)["response_type"] == "in_channel"
    assert wait_body(slash, in_channel) == {"response_type": "ephemeral", "text": WAIT_MESSAGE}
    osmose = parse_request(generic("x", channel_id=channel, user_id=user))
    body = reply_body(osmose, rendered, options)
    assert body["messages"] == ["Premier.", "Second."] and body["reply_to"] and body["deferred"] is False
    assert wait_body(osmose, options)["deferred"] is True
    assert answer_prefix(outgoing) == "@evenements" and answer_prefix(osmose) == ""


def test_every_post_is_cut_to_the_configured_size():
    slash = parse_request(slash_command("x", channel_id=mm_id(), user_id=mm_id()))
    rendered = render_messages([{"text": "\n".join(["- ligne"] * 200)}, {"text": "court"}])
    body = reply_body(slash, rendered, ChannelOptions(max_post_chars=300))
    assert len(body["text"]) <= 300 and body["text"].endswith(CUT_NOTICE)
    assert body["extra_responses"][0]["text"] == "court"


def test_options_are_validated():
    options = ChannelOptions.from_credentials(
        {
            "slash_response_type": "in_channel",
            "reply_timeout": "1.5",
            "bot_user_ids": "abc, def",
            "max_post_chars": 4000,
        }
    )
    assert options.reply_timeout == 1.5 and options.bot_user_ids == {"abc", "def"} and options.max_post_chars == 4000
    assert ChannelOptions.from_credentials(None) == ChannelOptions()
    for bad in (
        {"slash_response_type": "public"},
        {"reply_timeout": 5},
        {"reply_timeout": "vite"},
        {"max_post_chars": 20000},
        {"token": "secret"},
    ):
        with pytest.raises(ValueError):
            ChannelOptions.from_credentials(bad)
