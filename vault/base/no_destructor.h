// NoDestructor<T>: a process-wide object that is built on first use and
// never destroyed, after leveldb's util/no_destructor.h.
//
// A function-local `static T` is destroyed during static teardown, while a
// thread that is still running or an atexit handler may use it. Wrapping it
// as `static NoDestructor<T> x;` keeps it alive until the process is gone
// (its memory is reclaimed by the OS; nothing it holds is flushed).
//
// Thread-safety: construction is thread-safe as for any function-local
// static; the object itself is as thread-safe as T.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

namespace vault {

template <typename T>
class NoDestructor {
 public:
  template <typename... Args>
  explicit NoDestructor(Args&&... args) {
    new (storage_) T(std::forward<Args>(args)...);
  }
  ~NoDestructor() = default;  // deliberately leaves T alive
  NoDestructor(const NoDestructor&) = delete;
  NoDestructor& operator=(const NoDestructor&) = delete;

  T* get() { return std::launder(reinterpret_cast<T*>(storage_)); }
  T& operator*() { return *get(); }
  T* operator->() { return get(); }

 private:
  alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace vault
