"""Digital signatures on the PDF report, as Nghị định 30/2020/NĐ-CP (Phụ lục I) describes.

keys → where the private key lives (a .p12 file, or a USB token through PKCS#11);
placement → where the signature block is on the rendered page (found, not assumed);
appearance → what each signature shows (the signer's handwriting, the seal + text);
sign / verify → PAdES signing with pyHanko as incremental updates, and checking.

pyHanko and pdfminer.six are imported only here, so no other command pays for them.
"""

import logging

# pyHanko logs recoverable problems (a chain it cannot complete, a missing revocation source) with
# tracebacks; our commands state the outcome in one Vietnamese line instead.
for _name in ("pyhanko", "pyhanko_certvalidator", "pdfminer"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False
