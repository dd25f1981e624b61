"""How the source minutes number things: discussion points (i), (ii)…; resolutions (a), (b)…"""

_NUMERALS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def roman(number: int) -> str:
    """1 → i, 4 → iv, 9 → ix (lower case, as the minutes write them)."""
    if number < 1:
        raise ValueError("Numbering starts at 1.")
    text = []
    for value, numeral in _NUMERALS:
        count, number = divmod(number, value)
        text.append(numeral * count)
    return "".join(text)


def letter(number: int) -> str:
    """1 → a, 26 → z, 27 → aa (as a spreadsheet names columns)."""
    if number < 1:
        raise ValueError("Lettering starts at 1.")
    text = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        text = chr(ord("a") + remainder) + text
    return text
