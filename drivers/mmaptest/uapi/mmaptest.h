/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * mmaptest: a test driver whose f_op->mmap is under test.  This header is
 * shared by the module (drivers/mmaptest) and the driver suite (suites/).
 */
#ifndef _UAPI_MMAPTEST_H
#define _UAPI_MMAPTEST_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MMAPTEST_DEVICE		"/dev/mmaptest"

/* Largest buffer one open file may configure, in pages. */
#define MMAPTEST_MAX_PAGES	256

/* How the buffer reaches user space; chosen once per open file. */
enum mmaptest_mode {
	/* vm_ops->fault hands out one page per fault and counts it. */
	MMAPTEST_MODE_LAZY = 0,
	/* remap_pfn_range() of one physically contiguous buffer at mmap(). */
	MMAPTEST_MODE_EAGER = 1,
	/* vm_insert_pages() of separately allocated pages at mmap(). */
	MMAPTEST_MODE_INSERT = 2,
	/*
	 * dma_alloc_coherent() + dma_mmap_coherent(), as V4L2 and ALSA do;
	 * like videobuf2, mappings without MAP_SHARED are refused.
	 */
	MMAPTEST_MODE_DMA = 3,
	MMAPTEST_MODE_COUNT
};

/* MMAPTEST_IOC_SETUP: allocate the buffer; once per open file. */
struct mmaptest_setup {
	__u32 mode;		/* enum mmaptest_mode */
	__u32 flags;		/* must be 0 */
	__u64 size;		/* bytes, page multiple, <= MMAPTEST_MAX_PAGES pages */
};

/* MMAPTEST_IOC_STATS: what the module saw for this open file. */
struct mmaptest_stats {
	__u32 mode;
	__u32 npages;		/* 0 before MMAPTEST_IOC_SETUP */
	__u64 size;
	__u64 mmaps;		/* successful f_op->mmap calls */
	__u64 vma_opens;	/* vm_ops->open calls (fork, split, mremap) */
	__u64 vma_closes;	/* vm_ops->close calls */
	__u64 faults;		/* vm_ops->fault calls that handed out a page */
	/*
	 * References to this file's pages beyond the one the module holds
	 * for each (page modes only): one per page table entry while
	 * mapped, and 0 once every mapping is gone.
	 */
	__u64 extra_page_refs;
	/*
	 * Module-wide: page references the module took for itself and has
	 * not dropped, and pages found still referenced when freed.
	 */
	__u64 module_page_refs;
	__u64 stale_pages_freed;
	__u32 fault_count[MMAPTEST_MAX_PAGES];	/* per buffer page (lazy) */
};

#define MMAPTEST_IOC_MAGIC	'M'
#define MMAPTEST_IOC_SETUP	_IOW(MMAPTEST_IOC_MAGIC, 1, struct mmaptest_setup)
#define MMAPTEST_IOC_STATS	_IOR(MMAPTEST_IOC_MAGIC, 2, struct mmaptest_stats)

#endif /* _UAPI_MMAPTEST_H */
