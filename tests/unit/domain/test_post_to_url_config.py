from __future__ import annotations

import pytest

from lifeline.domain.post_to_url import PostFormat, PostTrigger
from lifeline.domain.post_to_url_config import parse_post_to_url_config
from lifeline.errors import InvalidInput


def test_one_url_per_trigger_round_trips() -> None:
    value = {"urls": {"end": "https://crm.example/end", "first_start": ""}, "format": "xml",
             "omit_chat_text": True, "omit_chat_from_storage": False}
    config = parse_post_to_url_config(value)
    assert config.url_for(PostTrigger.END) == "https://crm.example/end"
    assert config.url_for(PostTrigger.FIRST_START) is None
    assert config.format is PostFormat.XML
    assert config.chat.omit_chat_text and not config.chat.posts_chat_text
    assert parse_post_to_url_config(config.as_value()) == config


def test_defaults_to_form_without_urls() -> None:
    config = parse_post_to_url_config({})
    assert config.format is PostFormat.FORM and not config.urls


@pytest.mark.parametrize(
    "value, field",
    [
        ([], "post_to_url"),
        ({"colour": 1}, "post_to_url"),
        ({"urls": {"sometimes": "https://x.example/"}}, "post_to_url.urls"),
        ({"urls": {"end": "ftp://x.example/"}}, "post_to_url.urls"),
        ({"format": "yaml"}, "post_to_url.format"),
        ({"omit_chat_text": "yes"}, "post_to_url.omit_chat_text"),
    ],
)
def test_bad_values_name_the_field(value: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_post_to_url_config(value)
    assert caught.value.field == field
