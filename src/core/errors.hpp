#pragma once
// Typed errors that end a job. Each message names the file, dataset, row or option at fault,
// what was expected and how to fix it; main() prints it once (rank 0) and maps the type to an
// exit code, so scripts can tell bad input from a broken file system.
#include <stdexcept>
#include <string>

namespace engage {

enum class ExitCode : int {
    ok = 0,
    internal = 1,  // a bug or an unexpected exception
    config = 2,    // bad command line or configuration file
    data = 3,      // the input file is readable but its content is invalid
    io = 4,        // a file cannot be opened, read or written
    mpi = 5,       // the MPI runtime failed
    interrupted = 75,  // stopped on request (SIGTERM, SIGUSR1) at a checkpoint; rerun to resume
                       // (75 is EX_TEMPFAIL of sysexits.h: try again later)
};

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    virtual ExitCode exit_code() const noexcept { return ExitCode::internal; }
};

class ConfigError : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const noexcept override { return ExitCode::config; }
};

class DataError : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const noexcept override { return ExitCode::data; }
};

class IoError : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const noexcept override { return ExitCode::io; }
};

class MpiError : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const noexcept override { return ExitCode::mpi; }
};

// Not a failure: the job stopped on request after saving its progress (a checkpoint); the same
// command resumes it. main() prints the message without "error".
class Interrupted : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const noexcept override { return ExitCode::interrupted; }
};

// Rebuilds an error of the given exit code on another rank (errors cross ranks as code + text).
[[noreturn]] void throw_error(ExitCode code, const std::string& message);

}  // namespace engage
