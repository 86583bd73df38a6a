#include "h5_object.hpp"

#include "h5_error.hpp"

namespace learnrace {
namespace h5 {

void Object::close() { check(handle_.close(), close_call_, where()); }

}  // namespace h5
}  // namespace learnrace
