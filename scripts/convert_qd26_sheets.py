"""Convert the 26 score sheets of Quyết định 26/2026/QĐ-TTg (Phụ lục II, as structured data)
into the portal's own sheet files, evaluations/data/sheets/qd-26-2026/bo-NN-<name>.json.

Run once by hand when the source changes; the portal and its tests read only the files written
here, never the source:

    python scripts/convert_qd26_sheets.py path/to/phu-luc-ii-score-sheets.json

What the conversion does (everything else is carried as printed):
- headings printed in capitals are written in sentence case (the print style restores them);
  a section heading that runs on into its description keeps the heading as its name and the
  description as its note;
- the notes of a criterion become what the scorer reads beside it, and the rules they state
  become data: "Bị loại nếu …" a knock-out option ("Bị loại: …"), "… không đánh giá các bước
  tiếp theo" a stop option ("Dừng đánh giá: …", or the printed 0-point option it names),
  "Chỉ áp dụng khi có câu chuyện sản phẩm" a criterion scored only when a story exists;
- "Hồ sơ bị loại khi: …" becomes the sheet's list of dossier disqualifiers;
- the star marks (*** / **** / *****) stay on their options as ``min_stars``, and the minimum
  each criterion derives from them is kept as ``min_points_for_stars`` for the loader to check;
- the source's corrections (two misprinted points, empty 0-point cells, spaced star marks,
  options synthesised where the text prints none) are listed in the sheet's ``source``.
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "evaluations" / "data" / "sheets" / "qd-26-2026"
BASIS = "26/2026/QĐ-TTg"
#: Phụ lục II numbers its 26 sheets in the order of Phụ lục I's bộ sản phẩm.
CATEGORIES = [
    "I.1.a", "I.1.b", "I.2.a", "I.2.b", "I.3.a", "I.3.b", "I.3.c", "I.3.d", "I.4.a", "I.4.b",
    "I.5.a", "I.5.b", "I.6", "II.1.a", "II.1.b", "II.2.a", "II.2.b", "III.1", "III.2", "III.3",
    "IV.1", "IV.2", "V.1", "V.2", "V.3", "VI.1",
]  # fmt: skip
ACRONYMS = {"OCOP", "ISO", "HACCP", "BRC", "FDA", "GMP", "EU", "HTX", "TNHH", "QR", "VIETGAP"}
STORY_NOTE = "Chỉ áp dụng khi có câu chuyện sản phẩm"
SOURCE = (
    "Quyết định 26/2026/QĐ-TTg ngày 22/5/2026 của Thủ tướng Chính phủ, Phụ lục II, bộ tiêu chí "
    "số {no} (kiêm phiếu đánh giá sản phẩm OCOP). Chép từ bản văn bản đăng công khai (kho "
    "hakienpdu95/minhan, docs/bnn_txng.html), hai lần đọc máy độc lập khớp điểm từng mức và số "
    "dấu sao; chưa đối chiếu Công báo. Văn bản pháp luật không thuộc đối tượng bảo hộ quyền tác "
    "giả."
)


def is_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def split_caps(text: str) -> tuple[str, str]:
    """The heading printed in capitals at the start of `text`, and the rest."""
    words = text.split()
    count = 0
    while count < len(words) and is_caps(words[count]):
        count += 1
    return " ".join(words[:count]), " ".join(words[count:])


def sentence(text: str) -> str:
    words = [w if w.strip("(),.:;").upper() in ACRONYMS else w.lower() for w in text.split()]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]


def heading(text: str) -> tuple[str, str]:
    """(name, description) of a printed heading."""
    caps, rest = split_caps(text.strip())
    if not caps:
        return text.strip(), ""
    return sentence(caps), rest


def criterion_text(text: str) -> str:
    caps, rest = split_caps(text.strip())
    if not caps:
        return text.strip()
    if not rest:
        return sentence(caps)
    joiner = ": " if rest[:1].isupper() else " "
    return sentence(caps) + joiner + rest


def number(value) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def strip_label(note: str) -> str:
    return re.sub(r"^(Ghi chú|Chú ý)\s*:\s*", "", note.strip())


def condition(note: str) -> str:
    """The condition of a stop note: "Nếu có X … sẽ không đánh giá …" → "có X …"."""
    text = strip_label(note)
    for lead in ("Không xem xét các chỉ tiêu khác nếu ", "Không đánh giá các bước tiếp theo nếu "):
        if text.startswith(lead):
            return text[len(lead) :].rstrip(" .)")
    match = re.match(r"Nếu (.*?),?\s*sẽ không đánh giá", text)
    if match:
        return match.group(1).rstrip(" .,")
    return text.rstrip(" .")


def is_stop(note: str) -> bool:
    lowered = note.lower()
    return "không đánh giá các bước tiếp theo" in lowered or "không xem xét các chỉ tiêu khác" in (
        lowered
    )


def convert_options(source: dict, corrections: list[str], code: str) -> list[dict]:
    top = number(source["max_points"]) if source.get("max_points") is not None else None
    options = []
    for option in source["options"]:
        item = {"text": option["text"].strip(), "points": number(option["points"])}
        if option.get("min_stars_required"):
            item["min_stars"] = option["min_stars_required"]
        if option.get("case"):
            item["case"] = option["case"]
        if "source_points" in option:
            corrections.append(
                f"tiêu chí {code}: mức “{item['text']}” in {number(option['source_points'])} "
                f"điểm, sửa thành {item['points']} (lỗi in: điểm tối đa của tiêu chí là {top}, "
                "tổng của mục mới khớp)"
            )
        if option.get("points_implied"):
            corrections.append(f"tiêu chí {code}: mức “{item['text']}” không in điểm, ghi 0")
        options.append(item)
    if source.get("binary_no_options_in_source"):
        corrections.append(
            f"tiêu chí {code}: văn bản không in các mức; phiếu dùng Có "
            f"({options[0]['points']} điểm) / Không (0 điểm)"
        )
    return options


def convert_criterion(source: dict, corrections: list[str], zero_stops: list) -> dict:
    code = source["code"]
    item = {"code": code, "text": criterion_text(source["text"])}
    notes = []
    knockouts = []
    for note in source.get("notes", []):
        clean = note.strip()
        if clean == STORY_NOTE:
            item["needs_story"] = True
            continue
        notes.append(clean)
        text = strip_label(clean)
        if text.startswith("Bị loại nếu "):
            reason = text[len("Bị loại nếu ") :].rstrip(" .")
            knockouts.append({"text": f"Bị loại: {reason}", "points": 0, "eliminating": True})
        elif "0 điểm tại một trong các chỉ tiêu trên" in text:
            zero_stops.append(code)
        elif is_stop(clean):
            knockouts.append({"condition": condition(clean)})
    if notes:
        item["note"] = "\n".join(notes)
    if source.get("max_points") is not None:
        item["max_points"] = number(source["max_points"])
    if source["children"]:
        item["children"] = [
            convert_criterion(child, corrections, zero_stops) for child in source["children"]
        ]
        return item
    options = convert_options(source, corrections, code)
    for knockout in knockouts:
        if "condition" not in knockout:
            options.append({**knockout, "from_note": True})
            continue
        printed_zero = [o for o in options if o["points"] == 0 and "không có" in o["text"].lower()]
        if printed_zero and "không có" in knockout["condition"].lower():
            # "Không đánh giá các bước tiếp theo nếu không có phiếu công bố": the printed
            # 0-point option is that case.
            printed_zero[0].update(eliminating=True, stops=True)
        else:
            options.append(
                {
                    "text": f"Dừng đánh giá: {knockout['condition']}",
                    "points": 0,
                    "eliminating": True,
                    "stops": True,
                    "from_note": True,
                }
            )
    if any(o["text"].lower().startswith("không có câu chuyện") for o in options):
        item["tells_story"] = True
    item["options"] = options
    if source.get("min_points_for_stars"):
        item["min_points_for_stars"] = {
            stars: number(points) for stars, points in source["min_points_for_stars"].items()
        }
    return item


def apply_zero_stops(section: dict, upto: str) -> None:
    """ "Nếu được 0 điểm tại một trong các chỉ tiêu trên": every 0-point option of the section's
    criteria up to this one stops the scoring."""
    for criterion in section["criteria"]:
        for option in criterion.get("options", []):
            if option["points"] == 0:
                option.update(eliminating=True, stops=True)
        if criterion["code"] == upto:
            return


def slug(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def convert_set(source: dict, meta_corrections: list) -> dict:
    no = source["no"]
    corrections: list[str] = []
    for set_no, code, kind, *detail in meta_corrections:
        if set_no == no and kind == "spaced-stars":
            corrections.append(
                f"tiêu chí {code}: dấu sao in có dấu cách, đọc là {detail[0]} sao như cùng "
                "tiêu chí ở các bộ khác"
            )
    parts = []
    for part in source["parts"]:
        name, _ = heading(part["name"])
        item = {"code": part["code"], "name": name, "max_points": number(part["max_points"])}
        if part.get("header_points") not in (None, part["max_points"]):
            item["printed_max_points"] = number(part["header_points"])
            corrections.append(
                f"phần {part['code']}: tiêu đề in ({number(part['header_points'])} điểm) nhưng "
                f"các tiêu chí cộng lại {item['max_points']} điểm như Điều 3 quy định"
            )
        sections = []
        for section in part["sections"]:
            section_name, description = heading(section["name"])
            notes = [description] if description else []
            notes += [note.strip() for note in section.get("notes", []) or []]
            zero_stops: list[str] = []
            converted = {
                "code": section["code"],
                "name": section_name,
                "criteria": [
                    convert_criterion(c, corrections, zero_stops) for c in section["criteria"]
                ],
            }
            if section.get("max_points") is not None:
                converted["max_points"] = number(section["max_points"])
            else:
                corrections.append(
                    f"mục {section['code']}: văn bản không in điểm tối đa; lấy theo mức cao nhất"
                )
            if notes:
                converted["note"] = "\n".join(notes)
            for upto in zero_stops:
                apply_zero_stops(converted, upto)
            sections.append(converted)
        item["sections"] = sections
        parts.append(item)
    # Kept whole, as printed: each is one sentence of conditions joined by "hoặc".
    disqualifiers = []
    for text in source["disqualify_when"]:
        text = re.sub(r"^Hồ sơ bị loại khi\s*:\s*", "", text.strip()).rstrip(" .")
        disqualifiers.append(text[:1].upper() + text[1:])
    note = " ".join(strip_label(n) for n in source["notes"])
    source_text = SOURCE.format(no=no)
    if corrections:
        source_text += " Ghi nhận khi chép: " + "; ".join(corrections) + "."
    return {
        "code": f"qd-26-2026-bo-{no:02d}",
        "name": f"Bộ {no}. {source['name']}",
        "legal_basis": BASIS,
        "category": CATEGORIES[no - 1],
        "source": source_text,
        "note": note,
        "disqualify_when": disqualifiers,
        "parts": parts,
    }


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for source in data["sets"]:
        sheet = convert_set(source, data["meta"].get("corrections", []))
        name = f"bo-{source['no']:02d}-{slug(source['name'])[:40].strip('-')}.json"
        text = json.dumps(sheet, ensure_ascii=False, indent=1)
        (OUT / name).write_text(text + "\n", encoding="utf-8")
        print(name)


if __name__ == "__main__":
    main(sys.argv[1])
