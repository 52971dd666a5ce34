"""Text formatting: Telegram's HTML, MarkdownV2 and Markdown parse modes, ported from the rules
of TDLib (which the Bot API server runs), so that the errors a bot gets here are the real ones;
and the trimming and bot_command entities of what users and bots send."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from testing.fake_telegram.records import JSONDict
from testing.fake_telegram.requests import Params, bad

_MAX_TEXT = 4096  # the real limits, counted after entity parsing (in UTF-16 code units)


def u16(text: str) -> int:
    """Length in UTF-16 code units: the unit of entity offsets and of the length limits."""
    if text.isascii():  # the common case, without encoding a copy
        return len(text)
    return len(text.encode("utf-16-le")) // 2


@dataclass(slots=True)
class _Open:
    """An entity whose start has been read and whose end has not."""

    tag: str
    argument: str
    start: int  # UTF-16 offset in the output
    start_char: int  # index into the output chunks, to recover the entity's text
    byte: int  # UTF-8 byte offset in the source, for error messages


class _Out:
    """The plain text and entities being produced by a parser."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chunks: list[str] = []
        self.u16 = 0
        self.entities: list[JSONDict] = []

    def put(self, text: str) -> None:
        self.chunks.append(text)
        self.u16 += u16(text)

    def open(self, tag: str, argument: str, source_index: int) -> _Open:
        return _Open(tag, argument, self.u16, len(self.chunks), self.byte_offset(source_index))

    def entity(
        self, kind: str, start: int, extra: JSONDict | None = None, *, end: int | None = None
    ) -> None:
        """Adds an entity from ``start`` to ``end`` (default: here); empty ones are dropped."""
        stop = self.u16 if end is None else end
        if stop > start:
            entity = {"type": kind, "offset": start, "length": stop - start}
            self.entities.append({**entity, **(extra or {})})

    def text_since(self, opened: _Open) -> str:
        return "".join(self.chunks[opened.start_char :])

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def fail(self, message: str) -> NoReturn:
        raise bad(f"can't parse entities: {message}")

    def result(self) -> tuple[str, list[JSONDict]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.chunks), entities


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_PLAIN = re.compile(r"[^&<]+")
_CHAR_REF = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")


def _html_char_ref(text: str, index: int) -> tuple[str, int]:
    """Decodes the character reference at ``index``; only the four named ones the Bot API
    documents and numeric ones are decoded, anything else is a literal "&"."""
    match = _CHAR_REF.match(text, index)
    if match is None:
        return "&", 1
    if match[3]:
        return _HTML_NAMED[match[3]], len(match[0])
    code = int(match[1]) if match[1] else int(match[2], 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "&", 1
    return chr(code), len(match[0])


def _parse_html(text: str) -> tuple[str, list[JSONDict]]:
    out = _Out(text)
    stack: list[_Open] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            decoded, size = _html_char_ref(text, i)
            out.put(decoded)
            i += size
        elif char != "<":
            # A whole run of plain text at once: per character, this loop was most of the
            # fake's CPU per sendMessage.
            run = _HTML_PLAIN.match(text, i)
            end = run.end() if run else i + 1
            out.put(text[i:end])
            i = end
        elif text.startswith("</", i):
            i = _html_end_tag(out, stack, i)
        else:
            i = _html_start_tag(out, stack, i)
    if stack:
        out.fail(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()


def _html_start_tag(out: _Out, stack: list[_Open], begin: int) -> int:
    text, n = out.source, len(out.source)
    at = f"at byte offset {out.byte_offset(begin)}"
    j = begin + 1
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    if j >= n:
        out.fail(f"Unclosed start tag {at}")
    tag = text[begin + 1 : j].lower()
    if tag not in _HTML_TAGS:
        out.fail(f'Unsupported start tag "{tag}" {at}')
    argument = ""
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            out.fail(f'Unclosed start tag "{tag}" {at}')
        if text[j] == ">":
            break
        j, name, value = _html_attribute(out, tag, at, j)
        argument = _html_argument(tag, name, value, argument)
    if tag == "span" and argument != "spoiler":
        out.fail(f'Tag "span" must have class "tg-spoiler" {at}')
    stack.append(out.open(tag, argument, begin))
    return j + 1


def _html_attribute(out: _Out, tag: str, at: str, j: int) -> tuple[int, str, str]:
    """Reads one ``name=value`` attribute; returns the index after it, the name and value."""
    text, n = out.source, len(out.source)
    name_begin = j
    while j < n and not text[j].isspace() and text[j] not in "=>":
        j += 1
    name = text[name_begin:j].lower()
    if not name:
        out.fail(f'Empty attribute name in the tag "{tag}" {at}')
    while j < n and text[j].isspace():
        j += 1
    if name == "expandable" and (j >= n or text[j] != "="):
        return j, name, ""  # <blockquote expandable> is the one attribute without a value
    if j >= n or text[j] != "=":
        out.fail(f'Expected equal sign in declaration of an attribute of the tag "{tag}" {at}')
    j += 1
    while j < n and text[j].isspace():
        j += 1
    if j >= n:
        out.fail(f'Unclosed start tag "{tag}" {at}')
    if text[j] in "'\"":
        quote, j = text[j], j + 1
        chunks: list[str] = []
        while j < n and text[j] != quote:
            decoded, size = _html_char_ref(text, j) if text[j] == "&" else (text[j], 1)
            chunks.append(decoded)
            j += size
        if j >= n:
            out.fail(f'Unclosed start tag "{tag}" {at}')
        return j + 1, name, "".join(chunks)
    token_begin = j
    while j < n and ((text[j].isascii() and text[j].isalnum()) or text[j] in ".-"):
        j += 1
    if j < n and not text[j].isspace() and text[j] != ">":
        out.fail(f"Unexpected end of name token at byte offset {out.byte_offset(token_begin)}")
    return j, name, text[token_begin:j].lower()


def _html_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "expandable"
    return current


def _html_end_tag(out: _Out, stack: list[_Open], begin: int) -> int:
    text, n = out.source, len(out.source)
    at = f"at byte offset {out.byte_offset(begin)}"
    if not stack:
        out.fail(f"Unexpected end tag {at}")
    j = begin + 2
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    name = text[begin + 2 : j].lower()
    while j < n and text[j].isspace():
        j += 1
    if j >= n or text[j] != ">":
        out.fail(f"Unclosed end tag {at}")
    opened = stack.pop()
    if name and name != opened.tag:
        out.fail(f'Unmatched end tag {at}, expected "</{opened.tag}>", found "</{name}>"')
    if opened.tag == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
        stack[-1].argument = opened.argument or stack[-1].argument
    elif opened.tag == "a":
        out.entity("text_link", opened.start, {"url": opened.argument or out.text_since(opened)})
    elif opened.tag == "pre":
        out.entity("pre", opened.start, _language(opened.argument))
    elif opened.tag == "blockquote":
        kind = "expandable_blockquote" if opened.argument else "blockquote"
        out.entity(kind, opened.start)
    elif opened.tag == "tg-emoji":
        out.entity("custom_emoji", opened.start, {"custom_emoji_id": opened.argument})
    else:
        out.entity(_HTML_SIMPLE[opened.tag], opened.start)
    return j + 1


_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_EMOJI_URL = "tg://emoji?id="


def _language(language: str) -> JSONDict:
    """The extra field of a pre entity: its language, if one was given."""
    return {"language": language} if language else {}


def _pre_start(text: str, i: int) -> tuple[str, int]:
    """After an opening ```: the language (if one is given before a line break) and the index
    where the pre text starts (one leading line break is skipped)."""
    n = len(text)
    end = i
    while end < n and not text[end].isspace() and text[end] != "`":
        end += 1
    language = ""
    if end != i and end < n and text[end] != "`":
        language, i = text[i:end], end
    if i < n and text[i] in "\r\n":
        i += 2 if i + 1 < n and text[i + 1] in "\r\n" and text[i + 1] != text[i] else 1
    return language, i


def _parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    out = _Out(text)
    stack: list[_Open] = []
    quote_start: int | None = None  # an open ">" blockquote
    line_end = 0
    i = 0
    while i < len(text):
        char = text[i]
        in_code = bool(stack) and stack[-1].tag in ("code", "pre")
        if not in_code and (i == 0 or text[i - 1] == "\n"):
            if char == ">":
                quote_start = out.u16 if quote_start is None else quote_start
                i += 1
                continue
            if quote_start is not None:
                out.entity("blockquote", quote_start, end=line_end)
                quote_start = None
        if char == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
            out.put(text[i + 1])
            i += 2
        elif char not in ("`" if in_code else _MDV2_RESERVED):
            if char == "\n":
                line_end = out.u16
            out.put(char)
            i += 1
        elif stack and _mdv2_closes(stack[-1].tag, text, i):
            i = _mdv2_close(out, stack.pop(), i)
        else:
            i = _mdv2_open(out, stack, i)
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if stack:
        name = _MDV2_NAMES[stack[-1].tag]
        out.fail(f"Can't find end of {name} entity at byte offset {stack[-1].byte}")
    return out.result()


def _mdv2_closes(tag: str, text: str, i: int) -> bool:
    char, following = text[i], text[i + 1 : i + 2]
    if tag in ("italic", "underline"):
        return char == "_" and (following == "_") == (tag == "underline")
    if tag == "spoiler":
        return char == "|" and following == "|"
    if tag == "pre":
        return text.startswith("```", i)
    closing = {"bold": "*", "strikethrough": "~", "code": "`", "text_link": "]"}
    return char == closing.get(tag, "]")


def _mdv2_open(out: _Out, stack: list[_Open], i: int) -> int:
    text = out.source
    char, following = text[i], text[i + 1 : i + 2]
    argument = ""
    if char == "_":
        tag, after = ("underline", i + 2) if following == "_" else ("italic", i + 1)
    elif char in "*~[":
        tag, after = {"*": "bold", "~": "strikethrough", "[": "text_link"}[char], i + 1
    elif char == "|" and following == "|":
        tag, after = "spoiler", i + 2
    elif char == "!" and following == "[":
        tag, after = "custom_emoji", i + 2
    elif char == "`" and text.startswith("```", i):
        tag = "pre"
        argument, after = _pre_start(text, i + 3)
    elif char == "`":
        tag, after = "code", i + 1
    else:
        out.fail(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
    stack.append(out.open(tag, argument, i))
    return after


def _mdv2_close(out: _Out, opened: _Open, i: int) -> int:
    tag = opened.tag
    if tag in ("underline", "spoiler"):
        out.entity(tag, opened.start)
        return i + 2
    if tag == "pre":
        out.entity("pre", opened.start, _language(opened.argument))
        return i + 3
    if tag not in ("text_link", "custom_emoji"):
        out.entity(tag, opened.start)
        return i + 1
    url, after = _mdv2_url(out, i)
    if tag == "text_link":
        out.entity(
            "text_link", opened.start, {"url": out.text_since(opened) if url is None else url}
        )
    elif url is None or not url.startswith(_EMOJI_URL):
        out.fail("Custom emoji entity must contain a tg://emoji URL")
    else:
        out.entity("custom_emoji", opened.start, {"custom_emoji_id": url.removeprefix(_EMOJI_URL)})
    return after


def _mdv2_url(out: _Out, i: int) -> tuple[str | None, int]:
    """The "(url)" after the "]" at ``i``, if any, and the index after it."""
    text, n = out.source, len(out.source)
    if not text.startswith("(", i + 1):
        return None, i + 1
    j = begin = i + 2
    chunks: list[str] = []
    while j < n and text[j] != ")":
        if text[j] == "\\" and j + 1 < n and 0 < ord(text[j + 1]) <= 126:
            j += 1
        chunks.append(text[j])
        j += 1
    if j >= n:
        out.fail(f"Can't find end of a URL at byte offset {out.byte_offset(begin)}")
    return "".join(chunks), j + 1


def _parse_markdown(text: str) -> tuple[str, list[JSONDict]]:
    """The legacy "Markdown" mode: no nesting, and only _ * ` [ are special."""
    out = _Out(text)
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.put(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.put(char)
            i += 1
            continue
        opened = out.open(char, "", i)
        end_char = "]" if char == "[" else char
        is_pre = char == "`" and text.startswith("``", i + 1)
        language, i = _pre_start(text, i + 3) if is_pre else ("", i + 1)
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("``", i + 1))):
            out.put(text[i])
            i += 1
        if i >= n:
            out.fail(f"Can't find end of the entity starting at byte offset {opened.byte}")
        if char == "[":
            url = out.text_since(opened)
            if text.startswith("(", i + 1):
                close = text.find(")", i + 2)
                close = n if close == -1 else close
                url, i = text[i + 2 : close], close
            out.entity("text_link", opened.start, {"url": url})
        elif is_pre:
            out.entity("pre", opened.start, _language(language))
            i += 2
        else:
            out.entity({"_": "italic", "*": "bold", "`": "code"}[char], opened.start)
        i += 1
    return out.result()


_PARSERS: dict[str, Callable[[str], tuple[str, list[JSONDict]]]] = {
    "html": _parse_html,
    "markdownv2": _parse_markdown_v2,
    "markdown": _parse_markdown,
}
_SPACE = " \t\r\n"


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strips leading and trailing whitespace as Telegram does, clipping entities to match."""
    body = text.strip(_SPACE)
    if body == text:
        return text, entities
    shift = u16(text[: len(text) - len(text.lstrip(_SPACE))])
    total = u16(body)
    kept: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return body, kept


def formatted(p: Params, name: str, entities_name: str) -> tuple[str, list[JSONDict]]:
    """The text (or caption) of a call as the user will see it, with its entities."""
    raw = p.opt_string(name) or ""
    given = p.value(entities_name)
    mode = p.opt_string("parse_mode")
    if given is not None:
        valid = isinstance(given, list) and all(
            isinstance(e, dict)
            and isinstance(e.get("offset"), int)
            and isinstance(e.get("length"), int)
            for e in given
        )
        if not valid:
            raise bad(f"can't parse {entities_name} JSON object")
        text, entities = raw, list(given)
    elif mode:
        parser = _PARSERS.get(mode.lower())
        if parser is None:
            raise bad(f"unsupported parse_mode {mode!r}")
        text, entities = parser(raw)
    else:
        text, entities = raw, []
    return _trim(text, entities)


def text_content(p: Params) -> JSONDict:
    """The text fields of a message sent or edited by this call."""
    text, entities = formatted(p, "text", "entities")
    if not text:
        raise bad("message text is empty")
    if u16(text) > _MAX_TEXT:
        raise bad("message is too long")
    return {"text": text, "entities": entities} if entities else {"text": text}


_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[JSONDict]:
    """The bot_command entities Telegram attaches to a user's text."""
    return [
        {"type": "bot_command", "offset": u16(text[: m.start()]), "length": u16(m[0])}
        for m in _COMMAND.finditer(text)
    ]

