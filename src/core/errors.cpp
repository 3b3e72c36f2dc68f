#include "core/errors.hpp"

namespace engage {

void throw_error(ExitCode code, const std::string& message) {
    switch (code) {
    case ExitCode::config: throw ConfigError(message);
    case ExitCode::data: throw DataError(message);
    case ExitCode::io: throw IoError(message);
    case ExitCode::mpi: throw MpiError(message);
    case ExitCode::interrupted: throw Interrupted(message);
    default: throw Error(message);
    }
}

}  // namespace engage
