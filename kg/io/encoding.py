"""Decode the bytes of a source file, detecting the encoding rather than assuming it.

Order: byte-order mark (UTF-8/16/32) -> strict UTF-8 -> UTF-16 without BOM (many
NUL bytes) -> charset-normalizer restricted to the encodings Chinese sources use
(GB18030 covers GBK and GB2312; Big5 for Taiwan/Hong Kong pages).

>>> decode_bytes("應急管理".encode("big5"), "x.txt")
('應急管理', 'big5')
>>> decode_bytes("\\ufeff应急".encode("utf-8"), "x.txt")
('应急', 'utf-8-sig')
"""

from __future__ import annotations

import codecs

from kg.errors import SourceError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_CANDIDATES = ["gb18030", "big5", "big5hkscs", "utf_16_le", "utf_16_be"]
_BINARY_MAGIC = {b"\x89PNG": "a PNG image", b"%PDF": "a PDF file", b"PK\x03\x04": "a ZIP archive (docx/xlsx?)",
                 b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"\xd0\xcf\x11\xe0": "an OLE file (doc/xls?)"}


def _plausible_share(text: str) -> float:
    """Share of characters a Chinese or ASCII text is made of (Han, ASCII, CJK and full-width punctuation)."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if ch < "\x7f" and (ch.isprintable() or ch in "\n\r\t")
             or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
             or "\u2010" <= ch <= "\u206f")
    return ok / len(text)


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: the byte order whose decoding reads as text.

    Zero bytes alone can't tell: ASCII puts them on one side, but Han characters such as
    一 (U+4E00) or 最 (U+6700) put them on the other.
    """
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data[: 1 << 16]:
        return None
    sample = data[: 1 << 16]
    best, best_score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            score = _plausible_share(sample.decode(enc, errors="strict"))
        except UnicodeDecodeError:
            continue
        if score > best_score:
            best, best_score = enc, score
    return best if best_score >= 0.9 else None


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise :class:`SourceError` naming ``name``."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise SourceError(name, f"not a text file: looks like {what}", "binary")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise SourceError(name, f"starts with a {enc} byte-order mark but does not decode: {e.reason} at byte {e.start}", "encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    guess = _utf16_guess(data)
    if guess:
        try:
            return data.decode(guess), guess
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4000]:
        raise SourceError(name, "not a text file: contains NUL bytes and is not UTF-16", "binary")
    if first_bad >= len(data) - 3:
        raise SourceError(name, f"truncated UTF-8: the last character is cut off at byte {first_bad}", "encoding")

    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is not None and best.encoding:
        enc = best.encoding
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    for enc in ("gb18030", "big5"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise SourceError(name, f"cannot decode: not UTF-8 (invalid byte at {first_bad}), UTF-16, GB18030 or Big5", "encoding")
