"""The "Exporting session data" settings of a Technician Group (spec part 2 §14, L7332-7395).

Why a separate module: `domain/post_to_url.py` builds payloads; this one parses what an administrator
configured — one URL per trigger, one format, the two chat options — so the delivery job and the
Administration Center form agree on one shape:

    {"urls": {"end": "https://crm/post", "first_start": "…"}, "format": "xml",
     "omit_chat_text": false, "omit_chat_from_storage": false}

A trigger without a URL does not post (spec decision: one URL per trigger).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lifeline.domain.post_to_url import ChatOptions, PostFormat, PostTrigger, check_post_url
from lifeline.errors import InvalidInput

_FIELDS = frozenset({"urls", "format", "omit_chat_text", "omit_chat_from_storage"})


@dataclass(frozen=True)
class PostToUrlConfig:
    urls: Mapping[PostTrigger, str] = field(default_factory=dict)
    format: PostFormat = PostFormat.FORM
    chat: ChatOptions = ChatOptions()

    def url_for(self, trigger: PostTrigger) -> str | None:
        return self.urls.get(trigger)

    def as_value(self) -> dict[str, Any]:
        return {
            "urls": {t.value: u for t, u in self.urls.items()},
            "format": self.format.value,
            "omit_chat_text": self.chat.omit_chat_text,
            "omit_chat_from_storage": self.chat.omit_chat_from_storage,
        }


def parse_post_to_url_config(value: object) -> PostToUrlConfig:
    """Validate a stored or submitted value; raises :class:`InvalidInput` naming the bad part."""
    if not isinstance(value, Mapping):
        raise InvalidInput("post_to_url must be an object.", field="post_to_url")
    unknown = sorted(set(value) - _FIELDS)
    if unknown:
        raise InvalidInput(f"post_to_url: unknown field {unknown[0]!r}.", field="post_to_url")
    raw_urls = value.get("urls", {})
    if not isinstance(raw_urls, Mapping):
        raise InvalidInput("post_to_url: urls must map a trigger to a URL.", field="post_to_url.urls")
    urls: dict[PostTrigger, str] = {}
    for trigger, url in raw_urls.items():
        try:
            parsed = PostTrigger(trigger)
        except ValueError:
            valid = ", ".join(t.value for t in PostTrigger)
            raise InvalidInput(f"post_to_url: unknown trigger {trigger!r}; use {valid}.",
                               field="post_to_url.urls") from None
        if url:
            try:
                urls[parsed] = check_post_url(str(url))
            except InvalidInput as exc:  # name the setting's field, so the form marks the right input
                raise InvalidInput(f"post_to_url: {exc.message}", field="post_to_url.urls") from None
    try:
        fmt = PostFormat(value.get("format", PostFormat.FORM.value))
    except ValueError:
        raise InvalidInput("post_to_url: format must be form, xml or json.", field="post_to_url.format") from None
    flags = {}
    for name in ("omit_chat_text", "omit_chat_from_storage"):
        flag = value.get(name, False)
        if not isinstance(flag, bool):
            raise InvalidInput(f"post_to_url: {name} must be true or false.", field=f"post_to_url.{name}")
        flags[name] = flag
    return PostToUrlConfig(urls=urls, format=fmt, chat=ChatOptions(**flags))
