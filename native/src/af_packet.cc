// A raw AF_PACKET socket bound to one interface, for the layer 2 announcer: frames in through a
// uv_poll_t on the main loop, frames out with send(). Frame building and parsing live in TypeScript;
// this file only moves bytes and turns errno values into errors that say what to do.
#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <memory>
#include <net/ethernet.h>
#include <net/if.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

// Errors carry the interface, the operation, the errno name as `code`, and a hint for the fixes an
// operator can actually make.
Napi::Error SocketError(Napi::Env env, const std::string& ifname, const std::string& op, int err) {
  std::string msg = "packet socket on interface \"" + ifname + "\": " + op + " failed: " + std::strerror(err);
  const char* code = "EIO";
  switch (err) {
    case EPERM:
    case EACCES:
      msg += " (needs CAP_NET_RAW (run as root or grant NET_RAW))";
      code = err == EPERM ? "EPERM" : "EACCES";
      break;
    case ENODEV:
    case ENXIO:
      msg += " (no such interface: check the name with `ip link`)";
      code = "ENODEV";
      break;
    case ENETDOWN:
      msg += " (the interface is down)";
      code = "ENETDOWN";
      break;
    case EAGAIN:
      code = "EAGAIN";
      break;
    case EINVAL:
      code = "EINVAL";
      break;
    case EMSGSIZE:
      msg += " (frame larger than the interface MTU)";
      code = "EMSGSIZE";
      break;
    default:
      break;
  }
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("interface", Napi::String::New(env, ifname));
  return e;
}

class PacketSocket : public Napi::ObjectWrap<PacketSocket> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "PacketSocket",
                       {
                           InstanceMethod<&PacketSocket::Send>("send"),
                           InstanceMethod<&PacketSocket::AddMembership>("addMembership"),
                           InstanceMethod<&PacketSocket::DropMembership>("dropMembership"),
                           InstanceMethod<&PacketSocket::Close>("close"),
                           InstanceMethod<&PacketSocket::Ref>("ref"),
                           InstanceMethod<&PacketSocket::Unref>("unref"),
                           InstanceAccessor<&PacketSocket::IfIndex>("ifindex"),
                           InstanceAccessor<&PacketSocket::IsOpen>("open"),
                       });
  }

  // new PacketSocket(ifname, protocol, filter: Buffer | null, onFrame: (frame: Buffer) => void)
  // filter: packed struct sock_filter[] (8 bytes each, host byte order), attached before bind so no
  // unfiltered frame is ever queued.
  explicit PacketSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PacketSocket>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[0].IsString() || !info[1].IsNumber() || !info[3].IsFunction()) {
      throw Napi::TypeError::New(env, "PacketSocket(ifname: string, protocol: number, filter: Buffer | null, onFrame: function)");
    }
    ifname_ = info[0].As<Napi::String>().Utf8Value();
    const int protocol = info[1].As<Napi::Number>().Int32Value();
    ifindex_ = if_nametoindex(ifname_.c_str());
    if (ifindex_ == 0) throw SocketError(env, ifname_, "lookup", ENODEV);

    // Protocol 0 at creation: the socket receives nothing until bind, after the filter is in place.
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw SocketError(env, ifname_, "socket(AF_PACKET)", errno);

    if (info[2].IsBuffer()) {
      Napi::Buffer<uint8_t> prog = info[2].As<Napi::Buffer<uint8_t>>();
      if (prog.Length() == 0 || prog.Length() % sizeof(sock_filter) != 0) {
        Fail();
        throw Napi::TypeError::New(env, "filter must be a packed array of 8-byte classic BPF instructions");
      }
      sock_fprog fprog{};
      fprog.len = static_cast<unsigned short>(prog.Length() / sizeof(sock_filter));
      fprog.filter = reinterpret_cast<sock_filter*>(prog.Data());
      if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
        int err = errno;
        Fail();
        throw SocketError(env, ifname_, "attach BPF filter", err);
      }
    }

    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(static_cast<uint16_t>(protocol));
    addr.sll_ifindex = static_cast<int>(ifindex_);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
      int err = errno;
      Fail();
      throw SocketError(env, ifname_, "bind", err);
    }

    onFrame_ = Napi::Persistent(info[3].As<Napi::Function>());
    asyncContext_ = std::make_unique<Napi::AsyncContext>(env, "PacketSocket");

    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
      Fail();
      throw Napi::Error::New(env, "packet socket: no libuv loop");
    }
    poll_ = new uv_poll_t;
    poll_->data = this;
    int rc = uv_poll_init(loop, poll_, fd_);
    if (rc == 0) rc = uv_poll_start(poll_, UV_READABLE, &PacketSocket::OnReadable);
    if (rc != 0) {
      delete poll_;
      poll_ = nullptr;
      Fail();
      throw Napi::Error::New(env, std::string("packet socket: uv_poll failed: ") + uv_strerror(rc));
    }
    // While open, the socket must survive GC even if JS drops every reference: the poll handle
    // points at this object.
    selfRef_ = Napi::Persistent(info.This().As<Napi::Object>());
  }

  ~PacketSocket() override { Shutdown(); }

 private:
  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    auto* self = static_cast<PacketSocket*>(handle->data);
    if (self == nullptr || self->fd_ < 0) return;
    if (status < 0) {
      // libuv stops the handle on a poll error, and a packet socket reports one (ENETDOWN) when its
      // link goes down. Clear the socket's pending error and poll again, or no frame would ever be
      // read after the link comes back. Reading SO_ERROR resets it, so this does not spin.
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(self->fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      uv_poll_start(handle, UV_READABLE, &PacketSocket::OnReadable);
      return;
    }
    self->Drain();
  }

  // Read every queued frame (the poll is level-triggered, but draining saves wake-ups), then hand
  // each to JS with MakeCallback so that nextTick and promise jobs run after each delivery.
  void Drain() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Napi::Object self = Value();  // held in this scope so a close() from JS cannot free us mid-drain
    uint8_t buf[65536];
    for (int i = 0; i < 1024 && fd_ >= 0; i++) {
      sockaddr_ll from{};
      socklen_t fromLen = sizeof(from);
      ssize_t n = recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &fromLen);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;  // EAGAIN: drained; other errors (ENETDOWN) surface again on the next send
      }
      if (from.sll_pkttype == PACKET_OUTGOING) continue;  // our own transmissions echoed back
      // A frame the kernel handed to a device stacked on ours (macvlan, VLAN) still reaches a socket
      // bound to the lower device, reported with the upper device's index: it is not ours to answer.
      if (from.sll_ifindex != static_cast<int>(ifindex_)) continue;
      Napi::Buffer<uint8_t> frame = Napi::Buffer<uint8_t>::Copy(env, buf, static_cast<size_t>(n));
      try {
        onFrame_.MakeCallback(self, {frame}, *asyncContext_);
      } catch (const Napi::Error& e) {
        // No JS caller is on the stack here: report it the way Node reports any uncaught error.
        napi_fatal_exception(env, e.Value());
        return;
      }
    }
  }

  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) throw Napi::Error::New(env, "packet socket on interface \"" + ifname_ + "\" is closed");
    if (info.Length() < 1 || !info[0].IsBuffer()) throw Napi::TypeError::New(env, "send(frame: Buffer)");
    Napi::Buffer<uint8_t> frame = info[0].As<Napi::Buffer<uint8_t>>();
    ssize_t n;
    do {
      n = send(fd_, frame.Data(), frame.Length(), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw SocketError(env, ifname_, "send", errno);
    return Napi::Number::New(env, static_cast<double>(n));
  }

  void Membership(const Napi::CallbackInfo& info, int option, const char* op) {
    Napi::Env env = info.Env();
    if (fd_ < 0) throw Napi::Error::New(env, "packet socket on interface \"" + ifname_ + "\" is closed");
    if (info.Length() < 1 || !info[0].IsBuffer() || info[0].As<Napi::Buffer<uint8_t>>().Length() != 6) {
      throw Napi::TypeError::New(env, std::string(op) + "(mac: 6-byte Buffer)");
    }
    Napi::Buffer<uint8_t> mac = info[0].As<Napi::Buffer<uint8_t>>();
    packet_mreq mreq{};
    mreq.mr_ifindex = static_cast<int>(ifindex_);
    mreq.mr_type = PACKET_MR_MULTICAST;
    mreq.mr_alen = 6;
    std::memcpy(mreq.mr_address, mac.Data(), 6);
    if (setsockopt(fd_, SOL_PACKET, option, &mreq, sizeof(mreq)) < 0) throw SocketError(env, ifname_, op, errno);
  }

  Napi::Value AddMembership(const Napi::CallbackInfo& info) {
    Membership(info, PACKET_ADD_MEMBERSHIP, "addMembership");
    return info.Env().Undefined();
  }

  Napi::Value DropMembership(const Napi::CallbackInfo& info) {
    Membership(info, PACKET_DROP_MEMBERSHIP, "dropMembership");
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  // The poll handle keeps the process alive by default, like a listening server; unref() lets a
  // process exit while a socket is open.
  Napi::Value Ref(const Napi::CallbackInfo& info) {
    if (poll_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
    return info.Env().Undefined();
  }

  Napi::Value Unref(const Napi::CallbackInfo& info) {
    if (poll_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    return info.Env().Undefined();
  }

  Napi::Value IfIndex(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), ifindex_); }
  Napi::Value IsOpen(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), fd_ >= 0); }

  void Fail() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  // Stop polling before the fd goes away; the handle is freed in its close callback, after libuv is
  // done with it.
  void Shutdown() {
    if (poll_ != nullptr) {
      uv_poll_stop(poll_);
      poll_->data = nullptr;
      uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
      poll_ = nullptr;
    }
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
    if (!selfRef_.IsEmpty()) selfRef_.Reset();
  }

  std::string ifname_;
  unsigned int ifindex_ = 0;
  int fd_ = -1;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference onFrame_;
  Napi::ObjectReference selfRef_;
  std::unique_ptr<Napi::AsyncContext> asyncContext_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PacketSocket", PacketSocket::Init(env));
  exports.Set("ETH_P_ARP", Napi::Number::New(env, ETH_P_ARP));
  exports.Set("ETH_P_IPV6", Napi::Number::New(env, ETH_P_IPV6));
  exports.Set("ETH_P_ALL", Napi::Number::New(env, ETH_P_ALL));
  return exports;
}

}  // namespace

NODE_API_MODULE(af_packet, Init)
