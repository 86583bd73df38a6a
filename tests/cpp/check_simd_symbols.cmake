# The SIMD translation units (kernels/cpu_simd/backend_cpu_avx*.cpp) are compiled for AVX2 / AVX-512. If one of them
# emitted an out-of-line copy of a function that other translation units also use (an inline function of the model's
# headers, a std:: template), the linker could pick that copy for them, and a CPU without those instructions would
# crash in the scalar path. So: every function they define with external linkage lies in their own namespace.
# Run as: cmake -DNM=<nm> -DOBJECTS=<a;b> -P check_simd_symbols.cmake
set(failed "")
foreach(object IN LISTS OBJECTS)
  execute_process(COMMAND ${NM} -C --defined-only ${object} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${object}")
  endif()
  string(REPLACE "\n" ";" lines "${symbols}")
  foreach(line IN LISTS lines)
    # Global or weak code symbols (T, W, i); data (V, u: tables) is the same bytes in every object.
    if(line MATCHES "^[0-9a-f]+ [TWi] (.*)$")
      set(name "${CMAKE_MATCH_1}")
      if(NOT name MATCHES "learnrace::cpu_avx(512|2)::")
        list(APPEND failed "${object}: ${name}")
      endif()
    endif()
  endforeach()
endforeach()
if(failed)
  string(REPLACE ";" "\n  " failed "${failed}")
  message(FATAL_ERROR "SIMD objects define functions outside their namespace:\n  ${failed}")
endif()
message(STATUS "SIMD objects: every function they export is in learnrace::cpu_avx512 / cpu_avx2")
