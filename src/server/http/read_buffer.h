// The server's read buffer: the bytes of each request before Beast parses them, which include
// passwords, session cookies and cables' access keys (security review L6).
#ifndef CANDOR_SERVER_HTTP_READ_BUFFER_H_
#define CANDOR_SERVER_HTTP_READ_BUFFER_H_

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <string>

#include "crypto/secret.h"

namespace candor::http {

// Beast's flat buffer over an allocator that wipes what it frees, so the bytes do not stay in
// the heap when the buffer grows or its connection ends.
using ReadBuffer = boost::beast::basic_flat_buffer<crypto::WipingAllocator<char>>;

// Zeroes the bytes of the requests parsed so far (the consumed part of the buffer) and its free
// space, keeping any pipelined bytes not yet parsed; called once each request has been read.
inline void WipeSpentBytes(ReadBuffer& buffer) {
  const std::size_t pending = buffer.size();
  std::string rest(pending, '\0');
  boost::asio::buffer_copy(boost::asio::buffer(rest), buffer.data());
  buffer.clear();
  const auto all = buffer.prepare(buffer.capacity());  // fits: no reallocation
  crypto::WipeMemory(all.data(), all.size());
  if (pending > 0) {
    buffer.commit(boost::asio::buffer_copy(buffer.prepare(pending), boost::asio::buffer(rest)));
    crypto::WipeMemory(rest.data(), rest.size());
  }
}

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_READ_BUFFER_H_
