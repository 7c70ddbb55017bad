#include "label/provenance_service.h"

#include <future>

namespace concord::label {

Result<std::unique_ptr<ProvenanceService>> ProvenanceService::open(const ProvenanceOptions& o,
                                                                   const Clock& clock) {
  auto keys = KeyRing::load(o.key_dir);
  if (!keys.ok()) return keys.error();
  if (!(*keys)->canSign())
    return makeError("label.no_signing_key", "the current key in " + o.key_dir + " has no private key");
  std::unique_ptr<ProvenanceService> s(new ProvenanceService());
  s->clock_ = &clock;
  s->key_dir_ = o.key_dir;
  s->keys_ = *keys;
  if (!o.index_path.empty()) {
    auto idx = ProvenanceIndex::open(o.index_path);
    if (!idx.ok()) return idx.error();
    s->index_ = std::move(*idx);
  }
  s->signer_ = std::make_unique<BatchSigner>(s->keys_, o.max_batch, o.max_sign_wait);
  return s;
}

void ProvenanceService::seal(const ManifestContext& ctx, std::string_view answer,
                             std::string content_id,
                             std::function<void(Result<SealedProvenance>)> done) {
  // Request path: the manifest and its canonical bytes (hashing runs on the caller's worker,
  // in parallel). Signer thread: the batch signature, the emitted forms, and the index record
  // (one row with its manifest and signature, written later in a group transaction).
  struct Pending {
    SignedManifest sm;
    std::string answer;
    std::function<void(Result<SealedProvenance>)> done;
  };
  auto p = std::make_shared<Pending>();
  std::string kid = signer_->kid();
  p->sm.manifest = makeManifest(ctx, answer, clock_->nowMicros(), kid, std::move(content_id));
  p->sm.canonical = canonicalBytes(p->sm.manifest);
  if (index_) p->answer.assign(answer);
  p->done = std::move(done);
  std::string canonical = p->sm.canonical;
  ProvenanceIndex* index = index_.get();
  signer_->submit(std::move(canonical), [p, index](Result<Signature> sig) {
    if (!sig.ok()) {
      p->done(sig.error());
      return;
    }
    SignedManifest& sm = p->sm;
    sm.signature = std::move(*sig);
    SealedProvenance out;
    out.json = provenanceJson(sm);
    out.headers = provenanceHeaders(sm);
    if (index) (void)index->record(sm.manifest, p->answer, sm.canonical, signatureJson(sm.signature));
    out.signed_manifest = std::move(sm);
    p->done(std::move(out));
  }, std::move(kid));
}

Result<SealedProvenance> ProvenanceService::sealNow(const ManifestContext& ctx,
                                                    std::string_view answer,
                                                    std::string content_id) {
  std::promise<Result<SealedProvenance>> p;
  auto f = p.get_future();
  seal(ctx, answer, std::move(content_id), [&p](Result<SealedProvenance> r) { p.set_value(std::move(r)); });
  return f.get();
}

std::string ProvenanceService::jwks() const { return keys()->jwks(); }

VerifyHttpResponse ProvenanceService::verify(std::string_view body) const {
  return verifyRequest(body, *keys(), index_.get());
}

Status ProvenanceService::reloadKeys() {
  auto keys = KeyRing::load(key_dir_);
  if (!keys.ok()) return keys.error();
  if (!(*keys)->canSign())
    return makeError("label.no_signing_key", "the current key in " + key_dir_ + " has no private key");
  {
    std::lock_guard<std::mutex> l(keys_mu_);
    keys_ = *keys;
  }
  signer_->setKeyRing(*keys);
  return Status();
}

std::shared_ptr<const KeyRing> ProvenanceService::keys() const {
  std::lock_guard<std::mutex> l(keys_mu_);
  return keys_;
}

}  // namespace concord::label
