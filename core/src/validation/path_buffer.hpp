// A JSON pointer built in place while walking a document, so that walking costs no allocation per node;
// a copy is taken only when a finding needs the path.
#pragma once

#include <cstddef>
#include <string>

namespace acmepolicy::validation {

class PathBuffer {
public:
    /// Appends "/token" (RFC 6901 escaping) until the returned guard goes out of scope.
    class Segment {
    public:
        Segment(PathBuffer& buffer, const std::string& key) : buffer_(buffer), size_(buffer.path_.size()) {
            buffer.path_.push_back('/');
            for (char c : key) {
                if (c == '~') buffer.path_ += "~0";
                else if (c == '/') buffer.path_ += "~1";
                else buffer.path_.push_back(c);
            }
        }
        Segment(PathBuffer& buffer, std::size_t index) : buffer_(buffer), size_(buffer.path_.size()) {
            buffer.path_.push_back('/');
            buffer.path_ += std::to_string(index);
        }
        ~Segment() { buffer_.path_.resize(size_); }
        Segment(const Segment&) = delete;
        Segment& operator=(const Segment&) = delete;

    private:
        PathBuffer& buffer_;
        std::size_t size_;
    };

    PathBuffer() = default;
    explicit PathBuffer(std::string start) : path_(std::move(start)) {}

    const std::string& str() const noexcept { return path_; }

private:
    std::string path_;
};

}  // namespace acmepolicy::validation
