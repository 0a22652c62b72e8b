"""The plain reportlab baseline of `multaqa bench certificates` (issues 11 and 23): the same A4
landscape certificate page — frame, forum name, title, a paragraph with the name, signatory,
serial — N times into one PDF, with reportlab's own text (no shaping, no QR code). Run by the
bench itself, in the same run, when python3 has reportlab:

    python3 tests/bench/reportlab_certificates.py COUNT OUT.pdf     # prints the seconds
"""
import sys
import time

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    start = time.perf_counter()
    w, h = landscape(A4)
    c = canvas.Canvas(out, pagesize=(w, h))
    for i in range(count):
        c.setStrokeColorRGB(0.04, 0.42, 0.29)
        c.setLineWidth(3)
        c.rect(18, 18, w - 36, h - 36)
        c.setLineWidth(0.8)
        c.rect(26, 26, w - 52, h - 52)
        c.setFont("Helvetica-Bold", 16)
        c.drawCentredString(w / 2, h - 72, "Social Empowerment Forum - Jazan Region")
        c.setFont("Helvetica-Bold", 44)
        c.drawCentredString(w / 2, h - 130, "Certificate of Attendance")
        c.setFont("Helvetica", 19)
        c.drawCentredString(w / 2, h - 185, "The organizing committee certifies that")
        c.setFont("Helvetica-Bold", 36)
        c.drawCentredString(w / 2, h - 240, f"Participant number {i + 1} of the forum")
        c.setFont("Helvetica", 19)
        c.drawCentredString(w / 2, h - 290, "attended the forum held on 14 Rabi al-Awwal 1441 AH,")
        c.drawCentredString(w / 2, h - 322, "corresponding to 11 November 2019, wishing them success.")
        c.setFont("Helvetica", 12)
        c.drawCentredString(w / 2, 118, "Head of the organizing committee")
        c.setFont("Helvetica-Bold", 16)
        c.drawCentredString(w / 2, 96, "Abdullah Mohammed Al-Maliki")
        c.setFont("Helvetica", 10)
        c.drawString(118, 50, f"SEF-1441-{i + 1:06d}")
        c.showPage()
    c.save()
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
