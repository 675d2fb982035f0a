"""Where the private key comes from: a PKCS#12 file or a PKCS#11 token (USB token of a CA).

Secrets never come from a plain command-line argument (visible to other users in the
process list): from an environment variable named by the caller, or from a prompt.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from ..errors import CchcError, os_reason


class SigningRefused(CchcError):
    """Signing could not start: key, password, PIN, token or file problems (exit 2)."""


@dataclass
class KeySource:
    p12: str | None = None
    password_env: str | None = None
    pkcs11_lib: str | None = None
    token_label: str | None = None
    key_label: str | None = None
    cert_label: str | None = None
    pin_env: str | None = None


def _secret(env_name: str | None, prompt: str) -> str:
    if env_name:
        value = os.environ.get(env_name)
        if value is None:
            raise SigningRefused(f"biến môi trường {env_name} chưa được đặt")
        return value
    try:
        return getpass.getpass(prompt)
    except (EOFError, OSError):
        raise SigningRefused(f"không hỏi được ({prompt.strip(': ')}); hãy dùng biến môi trường") from None


def p12_signer(path: str, password_env: str | None = None):
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = open(path, "rb").read()
    except OSError as exc:
        raise SigningRefused(f"không mở được tệp khóa {path}: {os_reason(exc)}") from None
    password = _secret(password_env, "Mật khẩu tệp .p12: ")
    try:
        return SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode("utf-8"))
    except Exception:
        raise SigningRefused(f"không mở được {os.path.basename(path)}: sai mật khẩu hoặc không phải tệp "
                             "PKCS#12 (.p12/.pfx)") from None


class TokenSession:
    """An open PKCS#11 session and its signer; closed with the with-block."""

    def __init__(self, source: KeySource):
        self.source = source
        self.session = None

    def __enter__(self):
        try:
            from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
            from pyhanko.config.pkcs11 import TokenCriteria
            import pkcs11
        except ImportError:
            raise SigningRefused("thiếu thư viện python-pkcs11 để dùng USB token (pip install python-pkcs11)") from None
        source = self.source
        if not os.path.isfile(source.pkcs11_lib or ""):
            raise SigningRefused(f"không tìm thấy thư viện PKCS#11 {source.pkcs11_lib} (xem README: vị trí thư "
                                 "viện của USB token)")
        lib = pkcs11.lib(source.pkcs11_lib)
        token = self._token(lib, source.token_label)
        # the token's own PIN dialog when it has one (protected authentication path), else ours
        if token.flags & pkcs11.TokenFlag.PROTECTED_AUTHENTICATION_PATH and not source.pin_env:
            from pkcs11 import PROTECTED_AUTH

            pin = PROTECTED_AUTH
        else:
            pin = _secret(source.pin_env, f"Mã PIN của token “{token.label}”: ")
        try:
            self.session = open_pkcs11_session(source.pkcs11_lib, token_criteria=TokenCriteria(label=token.label),
                                               user_pin=pin)
        except Exception as exc:
            raise SigningRefused(f"không đăng nhập được token “{token.label}” (sai mã PIN hoặc token bị khóa: "
                                 f"{type(exc).__name__})") from None
        label = source.key_label
        try:
            signer = PKCS11Signer(self.session, key_label=label, cert_label=source.cert_label or label)
            signer.signing_cert  # noqa: B018 - load the certificate now, to fail here with a clear message
        except Exception as exc:
            self.session.close()
            raise SigningRefused(f"không tìm thấy khóa/chứng thư số “{label or '(mặc định)'}” trên token "
                                 f"({type(exc).__name__})") from None
        return signer

    @staticmethod
    def _token(lib, label):
        tokens = []
        for slot in lib.get_slots(token_present=True):
            try:
                tokens.append(slot.get_token())
            except Exception:  # an empty or broken slot
                continue
        if label:
            tokens = [t for t in tokens if t.label == label]
        if not tokens:
            raise SigningRefused("không thấy USB token" + (f" có nhãn “{label}”" if label else "") +
                                 ": hãy cắm token và kiểm tra nhãn (--token-label)")
        if len(tokens) > 1:
            raise SigningRefused("có nhiều token; hãy chọn một bằng --token-label: "
                                 + ", ".join(t.label for t in tokens))
        return tokens[0]

    def __exit__(self, *exc):
        if self.session is not None:
            self.session.close()
