// Signing provenance manifests with Ed25519, amortised over batches with a Merkle tree.
// Every signature signs the root of an RFC 9162 Merkle tree over the canonical bytes of one or
// more manifests; a manifest carries its leaf index, the tree size and its inclusion path. A
// batch of one is the degenerate tree (root = leaf hash, empty path), so there is one format
// and one verification procedure (docs/provenance-format.md §4).
// Signer: synchronous, any thread (the KeyRing is immutable). BatchSigner: one signer thread
// that signs whatever is queued each time it is free (group commit: no added wait at low load,
// one Ed25519 signature per batch at high load); submit() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "label/codec.h"
#include "label/key_ring.h"

namespace concord::label {

struct Signature {
  std::string kid;
  std::string sig;  // 64 raw bytes: Ed25519 over rootMessage(root)
  uint32_t index = 0;  // leaf index in the batch tree
  uint32_t size = 1;   // leaves in the batch tree
  std::vector<Digest> path;  // RFC 9162 inclusion path, leaf to root
};

Digest leafHash(std::string_view canonical);  // SHA-256(0x00 || canonical)
// The signed message: ASCII "concord.provenance.v1\n", the tree size (4 bytes, big-endian),
// then the 32-byte root. Binding the size means no field of the signature is unsigned.
std::string rootMessage(const Digest& root, uint32_t size);
// Root implied by a leaf and its inclusion path; false if the path is malformed.
bool rootFromPath(const Digest& leaf, uint32_t index, uint32_t size, const std::vector<Digest>& path,
                  Digest& root);
bool verifySignature(const KeyRing& ring, std::string_view canonical, const Signature& s);

// {"alg":"Ed25519","kid":..,"sig":<b64url>,"tree":{"index":i,"path":[<b64url>..],"size":n}}
std::string signatureJson(const Signature& s);
Result<Signature> parseSignature(std::string_view json);

class Signer {
 public:
  explicit Signer(std::shared_ptr<const KeyRing> ring) : ring_(std::move(ring)) {}
  const std::string& kid() const { return ring_->currentKid(); }
  const KeyRing& ring() const { return *ring_; }
  Result<Signature> sign(std::string_view canonical) const;
  // One signature over a tree of all `canonicals`; signatures in the same order.
  Result<std::vector<Signature>> signBatch(const std::vector<std::string_view>& canonicals) const;

 private:
  std::shared_ptr<const KeyRing> ring_;
};

class BatchSigner {
 public:
  using Done = std::function<void(Result<Signature>)>;
  // `max_wait` 0: never wait for a batch to gather (sign whatever is queued at once).
  explicit BatchSigner(std::shared_ptr<const KeyRing> ring, size_t max_batch = 256,
                       std::chrono::microseconds max_wait = std::chrono::microseconds(0));
  ~BatchSigner();  // signs what is queued, then joins
  BatchSigner(const BatchSigner&) = delete;
  BatchSigner& operator=(const BatchSigner&) = delete;

  // Queues `canonical`; `done` runs on the signer thread (post back to your executor).
  // `kid`: the key the manifest names (empty = whatever is current when it is signed). A
  // manifest made just before a rotation is still signed with the key it names.
  void submit(std::string canonical, Done done, std::string kid = {});
  // Later submissions are signed with `ring`'s current key (after a rotation); the previous
  // ring is kept for manifests already queued under its key.
  void setKeyRing(std::shared_ptr<const KeyRing> ring);
  std::string kid() const;
  uint64_t batchesSigned() const;
  uint64_t manifestsSigned() const;

 private:
  struct Item {
    std::string canonical;
    Done done;
    std::string kid;
  };
  void run();
  void signGroup(std::vector<Item*>& items, const std::shared_ptr<const KeyRing>& ring);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Item> queue_;
  std::shared_ptr<const KeyRing> ring_;
  std::shared_ptr<const KeyRing> previous_ring_;
  size_t max_batch_;
  std::chrono::microseconds max_wait_;
  std::chrono::steady_clock::time_point first_queued_{};  // of the oldest queued manifest
  std::chrono::steady_clock::time_point last_batch_{};    // when the last batch was taken
  size_t last_batch_size_ = 0;  // manifests in it: more than one means answers overlap
  bool stopping_ = false;
  uint64_t batches_ = 0, signed_ = 0;
  std::thread thread_;
};

}  // namespace concord::label
