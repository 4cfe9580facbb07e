"""A real SMTP server for the mail tests, on aiosmtpd, with knobs for the ways relays misbehave.

It listens on 127.0.0.1 on a port the system picks, with a certificate authority and a
certificate made fresh at start (trustme), and talks on standard output, one line at a time,
so a test waits for lines instead of sleeping:

    READY <port> <ca-file>      first: the port, and the CA's PEM to trust (as caFile)
    MESSAGE <n>                 message n was accepted; <n>.eml and <n>.json are in --output
    SESSION <json>              a connection ended: its number, the commands it saw (verbs
                                only, never credentials), whether it was TLS, who logged in

<n>.json holds mail_from, rcpt_tos, tls, auth_user, the header fields (decoded by Python's
email package with policy.default, encoded words included), the addresses of From, To and
Reply-To, the MIME structure, the parser's defects, and each leaf part: its content type,
Content-ID, charset, transfer encoding, disposition, and its decoded text (text parts, line
ends as LF) or the path of a file with its decoded bytes (other parts).

It exits when standard input closes, so it never outlives the test that started it.
"""

import argparse
import asyncio
import email
import email.policy
import functools
import json
import logging
import os
import ssl
import sys

try:
    import trustme
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError as error:  # say what to do instead of a traceback
    print(f"smtp_peer: {error}; make the venv with Scripts/python-venv.sh "
          "(aiosmtpd and trustme are in Scripts/python-requirements.txt)", file=sys.stderr, flush=True)
    sys.exit(3)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, help="folder for <n>.eml, <n>.json and the CA file")
    parser.add_argument("--no-starttls", action="store_true", help="do not offer STARTTLS")
    parser.add_argument("--require-starttls", action="store_true", help="refuse MAIL and the rest before STARTTLS")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (as on port 465)")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="accept AUTH (only over TLS) for this user")
    parser.add_argument("--cert-name", action="append", metavar="NAME",
                        help="a name or address the certificate carries (repeat; default localhost and 127.0.0.1)")
    parser.add_argument("--refuse-rcpt", action="append", default=[], metavar="ADDRESS=CODE[:TIMES]",
                        help="answer RCPT TO this address with CODE, only the first TIMES times if given")
    parser.add_argument("--hang", action="store_true", help="accept connections and never say a word")
    parser.add_argument("--drop-at-data", action="store_true", help="close the connection on the DATA command")
    return parser.parse_args()


class Peer:
    def __init__(self, arguments):
        self.arguments = arguments
        self.output = arguments.output
        self.messages = 0
        self.sessions = 0
        self.refusals = {}
        for rule in arguments.refuse_rcpt:
            address, _, answer = rule.rpartition("=")
            code, _, times = answer.partition(":")
            self.refusals[address.lower()] = [int(code), int(times) if times else -1]
        self.credentials = tuple(arguments.auth.split(":", 1)) if arguments.auth else None

    @staticmethod
    def say(line):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    # aiosmtpd's handler hooks

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rule = self.refusals.get(address.lower())
        if rule and rule[1] != 0:
            rule[1] -= 1
            code = rule[0]
            return f"{code} {code // 100}.1.1 <{address}> refused by the test peer"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        number = self.messages
        base = os.path.join(self.output, str(number))
        with open(base + ".eml", "wb") as file:
            file.write(envelope.original_content)
        record = describe(envelope.original_content, base)
        record.update(mail_from=envelope.mail_from, rcpt_tos=envelope.rcpt_tos, mail_options=envelope.mail_options,
                      tls=is_tls(server), auth_user=auth_user(session), session=server.number,
                      eml=base + ".eml")
        with open(base + ".json.tmp", "w") as file:
            json.dump(record, file, indent=1)
        os.replace(base + ".json.tmp", base + ".json")
        self.say(f"MESSAGE {number}")
        return f"250 2.0.0 OK: queued as {number}"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
        password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
        ok = self.credentials is not None and (login, password) == self.credentials
        # handled=False: aiosmtpd then answers 535 itself for a refusal.
        return AuthResult(success=ok, handled=False, auth_data=login if ok else None)


def auth_user(session):
    return session.auth_data if session.authenticated else None


def is_tls(server):
    # After STARTTLS aiosmtpd sets session.ssl; with implicit TLS only the transport knows.
    if server.session is not None and server.session.ssl is not None:
        return True
    transport = server.transport
    started_plain = server._original_transport is not None  # STARTTLS was tried on it
    return not started_plain and transport is not None and transport.get_extra_info("sslcontext") is not None


def describe(raw, base):
    """What Python's email package reads in the message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = [[name, str(value)] for name, value in message.items()]
    addresses = {}
    for name in ("From", "To", "Reply-To"):
        field = message[name]
        if field is not None:
            addresses[name] = [{"display_name": a.display_name, "address": a.addr_spec} for a in field.addresses]
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        leaf = {
            "content_type": part.get_content_type(),
            "content_id": part.get("Content-ID"),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "defects": [type(d).__name__ for d in part.defects],
        }
        content = part.get_content()
        if isinstance(content, str):
            leaf["text"] = content.replace("\r\n", "\n")
        else:
            path = f"{base}.part{len(parts)}"
            with open(path, "wb") as file:
                file.write(content)
            leaf["path"] = path
        parts.append(leaf)
    return {"headers": headers, "addresses": addresses, "structure": structure(message),
            "defects": [type(d).__name__ for d in message.defects], "parts": parts}


def structure(part):
    if not part.is_multipart():
        return part.get_content_type()
    return part.get_content_type() + "(" + ", ".join(structure(p) for p in part.iter_parts()) + ")"


class RecordingSMTP(SMTP):
    """aiosmtpd's server, writing down each command's verb, for the SESSION line."""

    def __init__(self, peer, number, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.peer = peer
        self.number = number
        self.commands = []
        self.reported = False

    def report(self):
        if self.reported:
            return
        self.reported = True
        session = self.session
        self.peer.say("SESSION " + json.dumps({
            "session": self.number, "commands": self.commands, "tls": is_tls(self),
            "auth_user": auth_user(session) if session is not None else None}))

    def connection_lost(self, error):
        self.report()
        super().connection_lost(error)


def recording(verb):
    original = getattr(SMTP, "smtp_" + verb)

    @functools.wraps(original)  # keeps aiosmtpd's syntax marks
    async def command(self, arg):
        # AUTH with its mechanism only: what follows it is a credential.
        self.commands.append(f"AUTH {arg.split()[0].upper()}" if verb == "AUTH" and arg else verb)
        if verb == "DATA" and self.peer.arguments.drop_at_data:
            self.transport.close()
            return
        try:
            return await original(self, arg)
        except Exception:
            # A failed TLS handshake ends the session without connection_lost reaching us.
            if verb == "STARTTLS":
                self.report()
            raise
    return command


for _verb in ("HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT"):
    setattr(RecordingSMTP, "smtp_" + _verb, recording(_verb))


class Silent(asyncio.Protocol):
    """Takes the connection and never answers: a relay that hangs."""

    def __init__(self, peer, number):
        self.peer, self.number = peer, number

    def connection_lost(self, error):
        self.peer.say("SESSION " + json.dumps({"session": self.number, "commands": [], "tls": False,
                                                "auth_user": None}))


async def main():
    arguments = parse_arguments()
    # aiosmtpd warns about its own use of a deprecated field on every AUTH; errors still show.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(arguments.output, exist_ok=True)
    peer = Peer(arguments)

    authority = trustme.CA()
    names = arguments.cert_name or ["localhost", "127.0.0.1"]
    certificate = authority.issue_cert(*names)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    ca_file = os.path.join(arguments.output, "ca.pem")
    authority.cert_pem.write_to_path(ca_file)

    loop = asyncio.get_running_loop()

    def connection():
        peer.sessions += 1
        if arguments.hang:
            return Silent(peer, peer.sessions)
        return RecordingSMTP(
            peer, peer.sessions, peer, hostname="peer.test", loop=loop,
            tls_context=None if arguments.no_starttls or arguments.implicit_tls else context,
            # aiosmtpd knows only STARTTLS as TLS; with implicit TLS every byte is encrypted anyway.
            require_starttls=arguments.require_starttls, auth_require_tls=not arguments.implicit_tls,
            authenticator=peer.authenticate, timeout=60)

    server = await loop.create_server(connection, "127.0.0.1", 0,
                                      ssl=context if arguments.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    Peer.say(f"READY {port} {ca_file}")

    # Standard input closes when the test process ends, however it ends.
    stdin_closed = loop.create_future()

    def read_stdin():
        if not os.read(sys.stdin.fileno(), 4096) and not stdin_closed.done():
            loop.remove_reader(sys.stdin.fileno())
            stdin_closed.set_result(None)
    loop.add_reader(sys.stdin.fileno(), read_stdin)
    await stdin_closed
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
