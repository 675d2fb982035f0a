"""A throw-away PKI for the signing tests: a root CA, the Chairman's and the office's certificates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    p12: Path
    key_pem: Path
    cert_der: Path


def _name(common: str, org: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    if org:
        parts.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(parts)


def make_pki(folder: Path, password: str = "mat-khau") -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("CA thử nghiệm cchc-xl", "Thử nghiệm")
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now)
               .not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
               .sign(ca_key, hashes.SHA256()))
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    people = {}
    for label, common, org in (("nguoi-ky", "Nguyễn Xuân Thoang", "UBND xã Ngọc Kỳ"),
                               ("co-quan", "Ủy ban nhân dân xã Ngọc Kỳ", "UBND xã Ngọc Kỳ")):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (x509.CertificateBuilder().subject_name(_name(common, org)).issuer_name(ca_name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number()).not_valid_before(now)
                .not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        p12 = folder / f"{label}.p12"
        p12.write_bytes(pkcs12.serialize_key_and_certificates(
            label.encode(), key, cert, [ca_cert], serialization.BestAvailableEncryption(password.encode())))
        key_pem = folder / f"{label}.key.pem"
        key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
        cert_der = folder / f"{label}.cer"
        cert_der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        people[label] = Identity(key, cert, p12, key_pem, cert_der)
    people["ca"] = folder / "ca.pem"
    people["password"] = password
    return people


def signature_png(path: Path, colour=(0, 40, 200), size=(480, 180)) -> Path:
    """A blue handwriting-like stroke on a transparent background."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.line([(20, h * 0.7), (w * 0.3, h * 0.2), (w * 0.45, h * 0.8), (w * 0.7, h * 0.3), (w - 20, h * 0.6)],
              fill=colour + (255,), width=10)
    image.save(path)
    return path


def seal_png(path: Path, size=420) -> Path:
    """A red ring with a star: the seal, transparent outside and inside."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=(220, 0, 0, 255), width=14)
    draw.ellipse((60, 60, size - 60, size - 60), outline=(220, 0, 0, 255), width=6)
    c = size / 2
    draw.polygon([(c, c - 50), (c + 15, c - 10), (c + 50, c - 10), (c + 20, c + 15), (c + 30, c + 50), (c, c + 28),
                  (c - 30, c + 50), (c - 20, c + 15), (c - 50, c - 10), (c - 15, c - 10)], fill=(220, 0, 0, 255))
    image.save(path)
    return path
