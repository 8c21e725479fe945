// StrictJson: the one reader of policy files (policies/*.json).
//
// A policy file is read against a JsonShape that lists every key it may
// hold and the type of every value. The reader refuses, naming the file and
// the key path ("borrowing.json: rules[1].max_peroid: unknown field"):
//   - text that is not JSON, or whose top level is not an object;
//   - a key written twice in one object (Poco keeps the last copy silently,
//     and either copy may be the one the author meant);
//   - a key the shape does not list;
//   - a value of the wrong type.
// Whether a key must be present, and what values mean, stays with each
// policy's loader, which reports those problems in the same form through
// PolicyFileError.
//
// Thread-safety: JsonShape is immutable and may be shared; ReadStrictJson is
// reentrant.
#pragma once

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vault/base/status.h"

namespace vault {

class JsonShape {
 public:
  static JsonShape String();
  static JsonShape WholeNumber();  // an integer, not true/false
  static JsonShape Number();       // an integer or a fraction
  static JsonShape Boolean();
  static JsonShape Version1();     // the whole number 1
  static JsonShape List(JsonShape element);
  // An object with exactly these keys allowed (each optional here).
  static JsonShape Object(std::vector<std::pair<std::string, JsonShape>> fields);
  // An object whose keys are names the policy chooses, all values alike.
  static JsonShape Map(JsonShape value);
  // `first` when the value has its type, `second` otherwise.
  static JsonShape Either(JsonShape first, JsonShape second);

  struct Node;

 private:
  explicit JsonShape(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
  friend class JsonShapeChecker;
};

// What a loader tells the reader about its file.
struct PolicyFileSpec {
  std::string file;    // e.g. "roles.json", the first word of every message
  std::string reason;  // the loader's stable reason code, e.g. "policy.invalid"
  JsonShape shape;     // the top level's shape (an Object)
};

// The spec of a policy file: a top-level object with "version" (the whole
// number 1) and "description" besides `fields`, which every policy file has.
PolicyFileSpec PolicyFile(std::string file, std::string reason,
                          std::vector<std::pair<std::string, JsonShape>> fields);

// Parses `text` and checks it against `spec.shape`; on success the top-level
// object, whose values then have the types the shape names.
StatusOr<Poco::JSON::Object::Ptr> ReadStrictJson(const std::string& text, const PolicyFileSpec& spec);

// The error a loader returns for a problem at `path` in its file, in the
// reader's form: InvalidArgument, spec.reason, "FILE: PATH: WHAT".
Status PolicyFileError(const PolicyFileSpec& spec, const std::string& path, const std::string& what);

// `key` of `obj`, which the loader requires, as text; the error names
// `path`: "missing" or "must be a string".
StatusOr<std::string> RequiredString(const PolicyFileSpec& spec, const Poco::JSON::Object& obj,
                                     const std::string& key, const std::string& path);

}  // namespace vault
