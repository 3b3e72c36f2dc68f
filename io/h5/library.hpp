#pragma once
namespace engage::io::h5 {
// HDF5 prints its error stack on every failed call by default; Engage reports errors itself
// (with the stack attached to the exception), so the automatic printing is turned off.
void silence_automatic_error_printing();
}  // namespace engage::io::h5
