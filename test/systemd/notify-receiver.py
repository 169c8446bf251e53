#!/usr/bin/env python3
# A stand-in for systemd's notification socket ($NOTIFY_SOCKET), as strict as the manager where it can
# be outside PID 1: a datagram socket with SO_PASSCRED (every message must carry the sender's
# credentials), "KEY=value" lines (a message with a line that is not an assignment is refused, as
# systemd does), and BARRIER=1 honoured by closing the file descriptors that come with it, which is
# what lets a waiting `systemd-notify` return. One JSON line per message on stdout: the sender's pid,
# uid and ancestors (the test checks the sender belongs to the service it started) and the fields.
#
#   notify-receiver.py SOCKET_PATH
import array
import json
import os
import socket
import struct
import sys


def ancestors(pid):
    chain = []
    while pid and pid > 1 and len(chain) < 64:
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            break
        # the command name is in parentheses and may hold spaces: the fields after it are fixed
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        chain.append(ppid)
        pid = ppid
    return chain


def main():
    path = sys.argv[1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.bind(path)
    os.chmod(path, 0o777)  # the service may run as another user, as with systemd's own socket
    print(json.dumps({"listening": path}), flush=True)
    creds_size = struct.calcsize("3i")
    while True:
        msg, anc, _flags, _addr = s.recvmsg(4096, socket.CMSG_SPACE(creds_size) + socket.CMSG_SPACE(64 * 4))
        creds = None
        fds = []
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                creds = struct.unpack("3i", data[:creds_size])
            elif level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                a = array.array("i")
                a.frombytes(data[: len(data) - len(data) % a.itemsize])
                fds.extend(a)
        lines = [l for l in msg.decode("utf-8", "replace").split("\n") if l]
        if creds is None or any("=" not in l for l in lines):
            print(json.dumps({"refused": msg.decode("utf-8", "replace"), "why": "no credentials" if creds is None else "not KEY=value"}), flush=True)
        else:
            fields = dict(l.split("=", 1) for l in lines)
            print(json.dumps({"pid": creds[0], "uid": creds[1], "ancestors": ancestors(creds[0]), "fields": fields, "fds": len(fds)}), flush=True)
        for fd in fds:
            os.close(fd)  # BARRIER=1: closing it tells the sender the message was processed


if __name__ == "__main__":
    main()
