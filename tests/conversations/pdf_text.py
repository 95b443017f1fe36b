"""Read the text back out of a PDF that fpdf2 wrote, for assertions.

fpdf2 embeds TrueType fonts as Type0/Identity-H subsets: the page content shows two-byte glyph
ids, not characters, and each font's ToUnicode CMap maps them back. This reads just enough PDF
(objects, Flate streams, the /Font resources, Tf and Tj/TJ operators) to do that.
"""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj")
STREAM = re.compile(rb"stream\r?\n")
LENGTH = re.compile(rb"/Length (\d+)")


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each object's dictionary and its stream (inflated). A stream is read by its /Length:
    compressed bytes may contain "endobj" or "endstream" (how often depends on the text)."""
    objects = {}
    position = 0
    while match := OBJECT.search(data, position):
        start = match.end()
        end = data.find(b"endobj", start)
        stream = STREAM.search(data, start, end)
        content = None
        if stream:
            body = data[start : stream.start()]
            length = int(LENGTH.search(body).group(1))
            content = data[stream.end() : stream.end() + length]
            if b"/FlateDecode" in body:
                content = zlib.decompress(content)
            end = data.find(b"endobj", stream.end() + length)
        else:
            body = data[start:end]
        objects[int(match.group(1))] = (body, content)
        position = end + len(b"endobj")
    return objects


def _cmap(stream: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(target, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """The PDF literal string opening at data[start] == b"(", unescaped; and where it ends."""
    out = bytearray()
    depth, index = 1, start + 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while depth:
        byte = data[index]
        if byte == ord("\\"):
            following = data[index + 1]
            if following in escapes:
                out.append(escapes[following])
                index += 2
            elif chr(following).isdigit():
                digits = re.match(rb"[0-7]{1,3}", data[index + 1 : index + 4]).group(0)
                out.append(int(digits, 8))
                index += 1 + len(digits)
            else:
                out.append(following)
                index += 2
            continue
        if byte == ord("("):
            depth += 1
        elif byte == ord(")"):
            depth -= 1
            if not depth:
                break
        out.append(byte)
        index += 1
    return bytes(out), index + 1


def pdf_text(data: bytes) -> str:
    """Every piece of text shown on the pages, in order, separated by spaces."""
    objects = _objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    for body, _content in objects.values():
        resources = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        if not resources:
            continue
        for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", resources.group(1)):
            font_body = objects[int(number)][0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font_body)
            if to_unicode:
                fonts[name] = _cmap(objects[int(to_unicode.group(1))][1] or b"")
    pieces: list[str] = []
    pages = [
        int(number)
        for body, _content in objects.values()
        if re.search(rb"/Type /Page\b", body)
        for number in re.findall(rb"/Contents (\d+) 0 R", body)
    ]
    for number in pages:
        content = objects[number][1] or b""
        cmap: dict[int, str] = {}
        index = 0
        while index < len(content):
            font = re.match(rb"/(\w+)\s+[\d.]+\s+Tf", content[index:])
            if font:
                cmap = fonts.get(font.group(1), {})
                index += font.end()
                continue
            if content[index] == ord("("):
                raw, index = _literal(content, index)
                pieces.append(
                    "".join(
                        cmap.get(int.from_bytes(raw[i : i + 2], "big"), "?")
                        for i in range(0, len(raw) - 1, 2)
                    )
                )
                continue
            index += 1
    return re.sub(r"\s+", " ", " ".join(pieces)).strip()
