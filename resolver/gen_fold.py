#!/usr/bin/env python3
"""Print the diacritic-folding tables of resolver/norm.c from Python's
unicodedata: each Latin letter with a diacritic, stroke or ligature in
U+00C0-U+024F and U+1E00-U+1EFF maps to its lowercase ASCII base letter(s)
("LATIN SMALL LETTER E WITH ACUTE" -> "e"), plus the hand-made entries in
SPECIAL. Letters without an ASCII base stay unmapped ("").
usage: gen_fold.py > tables.txt, then replace the two tables at the top of
resolver/norm.c with its output."""
import re
import unicodedata

SPECIAL = {
    0x00DF: "ss", 0x1E9E: "ss", 0x00C6: "ae", 0x00E6: "ae", 0x00D8: "o", 0x00F8: "o",
    0x0152: "oe", 0x0153: "oe", 0x0110: "d", 0x0111: "d", 0x00D0: "d", 0x00F0: "d",
    0x00DE: "th", 0x00FE: "th", 0x0141: "l", 0x0142: "l", 0x0126: "h", 0x0127: "h",
    0x0131: "i", 0x0138: "k", 0x013F: "l", 0x0140: "l", 0x0149: "n", 0x014A: "n",
    0x014B: "n", 0x017F: "s", 0x0166: "t", 0x0167: "t", 0x0132: "ij", 0x0133: "ij",
    0x01C5: "dz", 0x01C8: "lj", 0x01CB: "nj", 0x01F2: "dz", 0x1E9B: "s", 0x1E9C: "s",
    0x1E9D: "s", 0x0237: "j", 0x0189: "d", 0x0186: "o", 0x0190: "e", 0x018E: "e",
    0x0244: "u",
}
PAT = re.compile(r"^LATIN (?:CAPITAL|SMALL) (?:LETTER|LIGATURE) ([A-Z]{1,2})(?: WITH .*)?$")


def fold(cp):
    if cp in SPECIAL:
        return SPECIAL[cp]
    m = PAT.match(unicodedata.name(chr(cp), ""))
    return m.group(1).lower() if m else ""


for name, lo, hi in (("fold_latin1_ext", 0xC0, 0x250), ("fold_ext_additional", 0x1E00, 0x1F00)):
    print("/* U+%04X-U+%04X */" % (lo, hi - 1))
    print("static const char %s[0x%X][3] = {" % (name, hi - lo))
    row = []
    for cp in range(lo, hi):
        row.append('"%s"' % fold(cp))
        if len(row) == 8:
            print("\t" + ", ".join(row) + ",\t/* %04X */" % (cp - 7))
            row = []
    print("};")
