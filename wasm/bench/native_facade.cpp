// The native side of wasm/bench.mjs: times the same facade calls on the same inputs, without the CLI, so
// the native/wasm ratio compares like with like. Built by bench.mjs with the machine's g++ against the
// native preset's core library; not part of any build.
//
//   native_facade POLICY.json DEVICE.json NOW ITERATIONS
// prints {"validate_ns": median, "render_ns": median} (nanoseconds per call).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "acmepolicy/api.hpp"

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <typename Call>
long long median_ns(int iterations, Call&& call) {
    std::vector<long long> samples;
    samples.reserve(static_cast<std::size_t>(iterations));
    for (int i = 0; i < iterations; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const acmepolicy::ApiResult result = call();
        const auto stop = std::chrono::steady_clock::now();
        if (result.json.empty()) std::abort();  // keeps the call from being optimised away
        samples.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
    }
    std::nth_element(samples.begin(), samples.begin() + static_cast<long>(samples.size() / 2), samples.end());
    return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: native_facade POLICY.json DEVICE.json NOW ITERATIONS\n");
        return 2;
    }
    const std::string policy = read_file(argv[1]);
    const std::string device = read_file(argv[2]);
    const std::string now = argv[3];
    const int iterations = std::atoi(argv[4]);
    const std::string validate_options = "{\"now\":\"" + now + "\"}";
    const std::string render_options = "{\"device\":" + device +
                                       ",\"format\":\"mobileconfig\",\"identifier_prefix\":\"com.example\",\"now\":\"" +
                                       now + "\"}";
    const long long validate = median_ns(iterations, [&] { return acmepolicy::api_validate(policy, validate_options); });
    const long long render = median_ns(iterations, [&] { return acmepolicy::api_render(policy, render_options); });
    std::printf("{\"validate_ns\": %lld, \"render_ns\": %lld}\n", validate, render);
    return 0;
}
