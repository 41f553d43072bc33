"""QR codes drawn as one filled path: encoded once with `qrcode`, far cheaper than reportlab's widget."""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

MASK = 2


@dataclass(frozen=True)
class QrMatrix:
    """Dark modules as horizontal runs (row, first column, length), plus the side in modules."""

    side: int
    runs: tuple[tuple[int, int, int], ...]


def encode(payload: str, *, quiet_zone: int = 2) -> QrMatrix:
    # a fixed mask skips qrcode's trial of all eight (most of its time); any mask decodes
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=quiet_zone, mask_pattern=MASK)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        n = len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return QrMatrix(len(matrix), tuple(runs))


def draw(canvas: Canvas, matrix: QrMatrix, x: float, y: float, size: float) -> None:
    """Draw with the lower-left corner at (x, y); one path of rectangles, filled black."""
    m = size / matrix.side
    top = y + size
    path = canvas.beginPath()
    for r, c, length in matrix.runs:
        path.rect(x + c * m, top - (r + 1) * m, length * m, m)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
