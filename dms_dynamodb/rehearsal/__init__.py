"""What only a rehearsal does: throwaway servers, synthetic rows and workloads, the access patterns, and
the ``rehearse`` workflow."""
