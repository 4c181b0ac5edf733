// Entry point of the `acmepolicy` tool: dispatches to the registered subcommands.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "command.hpp"

namespace acmepolicy::cli {

bool register_command(Command command) {
    auto& list = const_cast<std::vector<Command>&>(commands());
    list.push_back(std::move(command));
    return true;
}

const std::vector<Command>& commands() {
    static std::vector<Command> list;
    return list;
}

}  // namespace acmepolicy::cli

namespace {

void print_help(std::ostream& out) {
    out << "usage: acmepolicy COMMAND [ARGS...]\n\n"
           "Validate, render and assign Apple ACME certificate policies (com.apple.security.acme).\n\n"
           "commands:\n";
    auto list = acmepolicy::cli::commands();
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& command : list) {
        out << "  " << command.name << std::string(command.name.size() < 10 ? 10 - command.name.size() : 1, ' ')
            << command.summary << "\n";
    }
    out << "\nRun `acmepolicy COMMAND --help` for a command's options. Exit codes: 0 ok, 1 findings, 2 usage or I/O.\n";
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::vector<std::string> args(argv + 1, argv + argc);
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            print_help(args.empty() ? std::cerr : std::cout);
            return args.empty() ? acmepolicy::cli::kExitUsage : acmepolicy::cli::kExitOk;
        }
        if (args[0] == "--version" || args[0] == "version") {
            auto v = nlohmann::json::parse(acmepolicy::api_version().json);
            std::cout << "acmepolicy " << v["version"].get<std::string>() << "\n";
            return acmepolicy::cli::kExitOk;
        }
        for (const auto& command : acmepolicy::cli::commands()) {
            if (command.name == args[0]) {
                return command.run(std::vector<std::string>(args.begin() + 1, args.end()), std::cout, std::cerr);
            }
        }
        std::cerr << "acmepolicy: unknown command '" << args[0] << "'\n\n";
        print_help(std::cerr);
        return acmepolicy::cli::kExitUsage;
    } catch (const std::exception& ex) {
        std::cerr << "acmepolicy: internal error: " << ex.what() << "\n";
        return acmepolicy::cli::kExitUsage;
    }
}
