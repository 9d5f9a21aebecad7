"""
smtp_sink.py — a tiny SMTP server on loopback that keeps every message it is given, for the
e-mail tests. Standard library only (socketserver): EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET,
NOOP, QUIT; nothing else is needed to take mail from libcurl.

    sink = SmtpSink().start()          # a free port, or SmtpSink(port) for a given one
    ... sink.port, sink.messages ...   # each: {"from", "to", "raw", "msg"} (email.message)
    sink.stop(); sink.start()          # the same port again: connections are refused between

Addresses in sink.reject get "550 no such user" at RCPT TO (a permanent failure).
"""

import email
import email.policy
import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        mail_from, rcpts = None, []
        self.reply("220 osb-test-sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 osb-test-sink")
            elif cmd.upper().startswith("MAIL FROM:"):
                mail_from, rcpts = _addr(cmd[10:]), []
                self.reply("250 OK")
            elif cmd.upper().startswith("RCPT TO:"):
                to = _addr(cmd[8:])
                if to in sink.reject:
                    self.reply("550 no such user")
                else:
                    rcpts.append(to)
                    self.reply("250 OK")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("503 no recipients")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while True:
                    ln = self.rfile.readline()
                    if not ln or ln in (b".\r\n", b".\n"):
                        break
                    if ln.startswith(b".."):
                        ln = ln[1:]
                    lines.append(ln)
                raw = b"".join(lines)
                sink._keep(mail_from, list(rcpts), raw)
                mail_from, rcpts = None, []
                self.reply("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


def _addr(s):
    s = s.strip()
    if s.startswith("<"):
        s = s[1:s.index(">")] if ">" in s else s[1:]
    return s.split()[0] if s else s


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    def __init__(self, port=0):
        self.port = port
        self.messages = []
        self.reject = set()
        self._lock = threading.Lock()
        self._srv = None
        self._thread = None

    def _keep(self, mail_from, rcpts, raw):
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            for to in rcpts:
                self.messages.append({"from": mail_from, "to": to, "raw": raw, "msg": msg})

    def start(self):
        srv = _Server(("127.0.0.1", self.port), _Handler)
        srv.sink = self
        self.port = srv.server_address[1]
        self._srv = srv
        self._thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._srv:
            self._srv.shutdown()
            self._srv.server_close()
            self._thread.join(timeout=5)
            self._srv = None

    def running(self):
        return self._srv is not None

    def snapshot(self):
        with self._lock:
            return list(self.messages)

    def by_notification(self):
        """{notification id: [messages]} by the X-OSB-Notification header."""
        out = {}
        for m in self.snapshot():
            nid = m["msg"].get("X-OSB-Notification")
            if nid is not None:
                out.setdefault(int(str(nid)), []).append(m)
        return out


def port_is_closed(port):
    s = socket.socket()
    try:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0
    finally:
        s.close()
