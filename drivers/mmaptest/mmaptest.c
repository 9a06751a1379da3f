// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmaptest - a character device whose f_op->mmap is under test
 *
 * Each open file configures one buffer through MMAPTEST_IOC_SETUP and maps
 * it in one of four ways: page by page from vm_ops->fault (lazy), with
 * remap_pfn_range() (eager), with vm_insert_pages(), or as a coherent DMA
 * buffer with dma_mmap_coherent().  MMAPTEST_IOC_STATS reports what the
 * module saw: faults per page, vm_ops->open/close calls and page references,
 * so that user space can check the mm core and the driver against each other.
 *
 * Module parameters inject one bug each; the driver suite must catch every
 * one of them.
 */

#include <linux/atomic.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "uapi/mmaptest.h"

static bool bug_ignore_pgoff;
module_param(bug_ignore_pgoff, bool, 0444);
MODULE_PARM_DESC(bug_ignore_pgoff, "Bug: map from the buffer start whatever the mmap offset");

static bool bug_skip_fault_count;
module_param(bug_skip_fault_count, bool, 0444);
MODULE_PARM_DESC(bug_skip_fault_count, "Bug: do not count faults on the second page");

static bool bug_leak_page_ref;
module_param(bug_leak_page_ref, bool, 0444);
MODULE_PARM_DESC(bug_leak_page_ref, "Bug: take one page reference too many per fault");

static bool bug_ro_writable;
module_param(bug_ro_writable, bool, 0444);
MODULE_PARM_DESC(bug_ro_writable, "Bug: make a read-only open's mapping writable");

static bool bug_no_size_check;
module_param(bug_no_size_check, bool, 0444);
MODULE_PARM_DESC(bug_no_size_check, "Bug: accept mappings that end past the buffer");

static bool bug_dma_private;
module_param(bug_dma_private, bool, 0444);
MODULE_PARM_DESC(bug_dma_private, "Bug: accept MAP_PRIVATE mappings of DMA buffers");

static bool bug_skip_vma_open;
module_param(bug_skip_vma_open, bool, 0444);
MODULE_PARM_DESC(bug_skip_vma_open, "Bug: do not count vm_ops->open calls");

/* Module-wide page reference book, reported by MMAPTEST_IOC_STATS. */
static atomic_long_t mmaptest_page_refs = ATOMIC_LONG_INIT(0);
static atomic_long_t mmaptest_stale_pages = ATOMIC_LONG_INIT(0);

/* Gives DMA buffers a device with a DMA mask; a misc device has none. */
static struct platform_device *mmaptest_dma_pdev;

/* Set once by MMAPTEST_IOC_SETUP and immutable until release. */
struct mmaptest_buf {
	u32 mode;
	unsigned long npages;
	size_t size;
	void *vaddr;		/* eager and DMA modes */
	dma_addr_t dma_handle;	/* DMA mode */
	struct page **pages;	/* lazy and insert modes */
	atomic_t *fault_count;	/* per page */
};

struct mmaptest_file {
	struct mutex setup_lock;	/* serialises MMAPTEST_IOC_SETUP */
	struct mmaptest_buf *buf;	/* published with smp_store_release() */
	bool writable;			/* opened with FMODE_WRITE */
	atomic_long_t mmaps;
	atomic_long_t vma_opens;
	atomic_long_t vma_closes;
	atomic_long_t faults;
};

static bool mmaptest_page_mode(u32 mode)
{
	return mode == MMAPTEST_MODE_LAZY || mode == MMAPTEST_MODE_INSERT;
}

static void *mmaptest_page_addr(const struct mmaptest_buf *buf, unsigned long idx)
{
	if (mmaptest_page_mode(buf->mode))
		return page_address(buf->pages[idx]);
	return buf->vaddr + idx * PAGE_SIZE;
}

static void mmaptest_free_pages(struct mmaptest_buf *buf)
{
	unsigned long i;
	int refs;

	for (i = 0; i < buf->npages; i++) {
		if (!buf->pages[i])
			continue;
		refs = page_count(buf->pages[i]);
		if (refs != 1)
			atomic_long_inc(&mmaptest_stale_pages);
		__free_page(buf->pages[i]);
		atomic_long_dec(&mmaptest_page_refs);
	}
}

static void mmaptest_buf_free(struct mmaptest_buf *buf)
{
	switch (buf->mode) {
	case MMAPTEST_MODE_LAZY:
	case MMAPTEST_MODE_INSERT:
		mmaptest_free_pages(buf);
		break;
	case MMAPTEST_MODE_EAGER:
		free_pages_exact(buf->vaddr, buf->size);
		atomic_long_sub(buf->npages, &mmaptest_page_refs);
		break;
	case MMAPTEST_MODE_DMA:
		dma_free_coherent(&mmaptest_dma_pdev->dev, buf->size, buf->vaddr,
				  buf->dma_handle);
		break;
	}
	kvfree(buf->pages);
	kvfree(buf->fault_count);
	kfree(buf);
}

static struct mmaptest_buf *mmaptest_buf_alloc(u32 mode, size_t size)
{
	struct mmaptest_buf *buf;
	unsigned long i;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->mode = mode;
	buf->size = size;
	buf->npages = size >> PAGE_SHIFT;

	buf->fault_count = kvcalloc(buf->npages, sizeof(*buf->fault_count),
				    GFP_KERNEL);
	if (!buf->fault_count)
		goto err_free;

	switch (mode) {
	case MMAPTEST_MODE_LAZY:
	case MMAPTEST_MODE_INSERT:
		buf->pages = kvcalloc(buf->npages, sizeof(*buf->pages),
				      GFP_KERNEL);
		if (!buf->pages)
			goto err_free;
		for (i = 0; i < buf->npages; i++) {
			buf->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!buf->pages[i])
				goto err_free;
			atomic_long_inc(&mmaptest_page_refs);
		}
		break;
	case MMAPTEST_MODE_EAGER:
		buf->vaddr = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
		if (!buf->vaddr)
			goto err_free;
		atomic_long_add(buf->npages, &mmaptest_page_refs);
		break;
	case MMAPTEST_MODE_DMA:
		buf->vaddr = dma_alloc_coherent(&mmaptest_dma_pdev->dev, size,
						&buf->dma_handle, GFP_KERNEL);
		if (!buf->vaddr)
			goto err_free;
		break;
	}
	return buf;

err_free:
	mmaptest_buf_free(buf);
	return ERR_PTR(-ENOMEM);
}

static struct mmaptest_buf *mmaptest_get_buf(struct mmaptest_file *mf)
{
	/* Pairs with the release in mmaptest_setup(): the buffer is filled in. */
	return smp_load_acquire(&mf->buf);
}

static void mmaptest_vma_open(struct vm_area_struct *vma)
{
	struct mmaptest_file *mf = vma->vm_private_data;

	if (!bug_skip_vma_open)
		atomic_long_inc(&mf->vma_opens);
}

static void mmaptest_vma_close(struct vm_area_struct *vma)
{
	struct mmaptest_file *mf = vma->vm_private_data;

	atomic_long_inc(&mf->vma_closes);
}

static vm_fault_t mmaptest_vma_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mmaptest_file *mf = vma->vm_private_data;
	struct mmaptest_buf *buf = mmaptest_get_buf(mf);
	unsigned long idx = vmf->pgoff;
	struct page *page;

	if (bug_ignore_pgoff)
		idx -= vma->vm_pgoff;
	if (idx >= buf->npages)
		return VM_FAULT_SIGBUS;

	page = buf->pages[idx];
	get_page(page);
	if (bug_leak_page_ref) {
		get_page(page);
		atomic_long_inc(&mmaptest_page_refs);
	}
	vmf->page = page;

	atomic_long_inc(&mf->faults);
	if (!(bug_skip_fault_count && idx == 1))
		atomic_inc(&buf->fault_count[idx]);
	return 0;
}

/* Mappings made at mmap() time have nothing to fault in. */
static const struct vm_operations_struct mmaptest_premapped_vm_ops = {
	.open = mmaptest_vma_open,
	.close = mmaptest_vma_close,
};

static const struct vm_operations_struct mmaptest_lazy_vm_ops = {
	.open = mmaptest_vma_open,
	.close = mmaptest_vma_close,
	.fault = mmaptest_vma_fault,
};

static void mmaptest_vma_set_flags(struct vm_area_struct *vma, vm_flags_t flags)
{
#ifdef MMAPTEST_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static int mmaptest_insert(struct vm_area_struct *vma, struct mmaptest_buf *buf,
			   unsigned long pgoff, unsigned long npages)
{
	unsigned long num = npages;
	int ret;

	ret = vm_insert_pages(vma, vma->vm_start, buf->pages + pgoff, &num);
	if (ret)
		return ret;
	return num ? -EFAULT : 0;
}

static int mmaptest_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mmaptest_file *mf = file->private_data;
	struct mmaptest_buf *buf = mmaptest_get_buf(mf);
	unsigned long pgoff = vma->vm_pgoff;
	unsigned long npages = vma_pages(vma);
	unsigned long end;
	int ret;

	if (!buf)
		return -ENODEV;

	/* As mmap_mem(): the requested range must lie inside the buffer. */
	if (check_add_overflow(pgoff, npages, &end))
		return -EINVAL;
	if (end > buf->npages && !bug_no_size_check)
		return -EINVAL;
	if (pgoff >= buf->npages)
		return -EINVAL;
	npages = min(npages, buf->npages - pgoff);

	/* The mm core refuses this already; a driver must not rely on it. */
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE) &&
	    !mf->writable)
		return -EACCES;
	if (bug_ro_writable && !mf->writable)
		mmaptest_vma_set_flags(vma, VM_WRITE | VM_MAYWRITE);

	if (bug_ignore_pgoff)
		pgoff = 0;

	vma->vm_private_data = mf;
	switch (buf->mode) {
	case MMAPTEST_MODE_LAZY:
		mmaptest_vma_set_flags(vma, VM_DONTEXPAND | VM_DONTDUMP);
		vma->vm_ops = &mmaptest_lazy_vm_ops;
		ret = 0;
		break;
	case MMAPTEST_MODE_EAGER:
		vma->vm_ops = &mmaptest_premapped_vm_ops;
		/*
		 * For MAP_PRIVATE, remap_pfn_range() accepts only the whole
		 * VMA: it records the pfn in vm_pgoff for COW.
		 */
		ret = remap_pfn_range(vma, vma->vm_start,
				      PHYS_PFN(virt_to_phys(buf->vaddr)) + pgoff,
				      npages << PAGE_SHIFT, vma->vm_page_prot);
		break;
	case MMAPTEST_MODE_INSERT:
		vma->vm_ops = &mmaptest_premapped_vm_ops;
		ret = mmaptest_insert(vma, buf, pgoff, npages);
		break;
	case MMAPTEST_MODE_DMA:
		/* As videobuf2: a DMA buffer is shared or not mapped at all. */
		if (!(vma->vm_flags & VM_SHARED) && !bug_dma_private)
			return -EINVAL;
		vma->vm_ops = &mmaptest_premapped_vm_ops;
		/* As videobuf2: the offset chose the buffer, the mapping starts at it. */
		vma->vm_pgoff = 0;
		ret = dma_mmap_coherent(&mmaptest_dma_pdev->dev, vma,
					buf->vaddr + pgoff * PAGE_SIZE,
					buf->dma_handle + pgoff * PAGE_SIZE,
					npages << PAGE_SHIFT);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret)
		return ret;
	atomic_long_inc(&mf->mmaps);
	return 0;
}

static ssize_t mmaptest_rw(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos, bool write)
{
	struct mmaptest_buf *buf = mmaptest_get_buf(file->private_data);
	size_t done = 0;
	loff_t pos = *ppos;

	if (!buf)
		return -ENODEV;
	if (pos < 0)
		return -EINVAL;
	if (pos >= buf->size)
		return write && count ? -ENOSPC : 0;
	count = min_t(size_t, count, buf->size - pos);

	while (done < count) {
		unsigned long idx = pos >> PAGE_SHIFT;
		size_t off = offset_in_page(pos);
		size_t len = min_t(size_t, PAGE_SIZE - off, count - done);
		void *kaddr = mmaptest_page_addr(buf, idx) + off;
		unsigned long left;

		if (write)
			left = copy_from_user(kaddr, ubuf + done, len);
		else
			left = copy_to_user(ubuf + done, kaddr, len);
		done += len - left;
		pos += len - left;
		if (left)
			break;
	}
	if (!done && count)
		return -EFAULT;
	*ppos = pos;
	return done;
}

static ssize_t mmaptest_read(struct file *file, char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	return mmaptest_rw(file, ubuf, count, ppos, false);
}

static ssize_t mmaptest_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	return mmaptest_rw(file, (char __user *)ubuf, count, ppos, true);
}

static loff_t mmaptest_llseek(struct file *file, loff_t offset, int whence)
{
	struct mmaptest_buf *buf = mmaptest_get_buf(file->private_data);

	return fixed_size_llseek(file, offset, whence, buf ? buf->size : 0);
}

static long mmaptest_setup(struct mmaptest_file *mf, void __user *arg)
{
	struct mmaptest_setup setup;
	struct mmaptest_buf *buf;
	long ret = 0;

	if (copy_from_user(&setup, arg, sizeof(setup)))
		return -EFAULT;
	if (setup.mode >= MMAPTEST_MODE_COUNT || setup.flags)
		return -EINVAL;
	if (!setup.size || !IS_ALIGNED(setup.size, PAGE_SIZE) ||
	    setup.size > (u64)MMAPTEST_MAX_PAGES * PAGE_SIZE)
		return -EINVAL;

	mutex_lock(&mf->setup_lock);
	if (mf->buf) {
		ret = -EBUSY;
		goto out_unlock;
	}
	buf = mmaptest_buf_alloc(setup.mode, setup.size);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto out_unlock;
	}
	/* Readers take no lock: publish the buffer only once it is complete. */
	smp_store_release(&mf->buf, buf);
out_unlock:
	mutex_unlock(&mf->setup_lock);
	return ret;
}

static long mmaptest_stats(struct mmaptest_file *mf, void __user *arg)
{
	struct mmaptest_buf *buf = mmaptest_get_buf(mf);
	struct mmaptest_stats *st;
	unsigned long i;
	long ret = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->mmaps = atomic_long_read(&mf->mmaps);
	st->vma_opens = atomic_long_read(&mf->vma_opens);
	st->vma_closes = atomic_long_read(&mf->vma_closes);
	st->faults = atomic_long_read(&mf->faults);
	st->module_page_refs = atomic_long_read(&mmaptest_page_refs);
	st->stale_pages_freed = atomic_long_read(&mmaptest_stale_pages);
	if (buf) {
		st->mode = buf->mode;
		st->npages = buf->npages;
		st->size = buf->size;
		for (i = 0; i < buf->npages; i++) {
			st->fault_count[i] = atomic_read(&buf->fault_count[i]);
			if (mmaptest_page_mode(buf->mode))
				st->extra_page_refs +=
					page_count(buf->pages[i]) - 1;
		}
	}
	if (copy_to_user(arg, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

static long mmaptest_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct mmaptest_file *mf = file->private_data;

	switch (cmd) {
	case MMAPTEST_IOC_SETUP:
		return mmaptest_setup(mf, (void __user *)arg);
	case MMAPTEST_IOC_STATS:
		return mmaptest_stats(mf, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int mmaptest_open(struct inode *inode, struct file *file)
{
	struct mmaptest_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mutex_init(&mf->setup_lock);
	mf->writable = file->f_mode & FMODE_WRITE;
	file->private_data = mf;
	return 0;
}

/* Called once every mapping is gone: each holds a reference to the file. */
static int mmaptest_release(struct inode *inode, struct file *file)
{
	struct mmaptest_file *mf = file->private_data;

	if (mf->buf)
		mmaptest_buf_free(mf->buf);
	mutex_destroy(&mf->setup_lock);
	kfree(mf);
	return 0;
}

static const struct file_operations mmaptest_fops = {
	.owner = THIS_MODULE,
	.open = mmaptest_open,
	.release = mmaptest_release,
	.read = mmaptest_read,
	.write = mmaptest_write,
	.llseek = mmaptest_llseek,
	.mmap = mmaptest_mmap,
	.unlocked_ioctl = mmaptest_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mmaptest_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mmaptest",
	.fops = &mmaptest_fops,
	.mode = 0666,
};

static int __init mmaptest_init(void)
{
	const struct platform_device_info info = {
		.name = "mmaptest-dma",
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(32),
	};
	int ret;

	mmaptest_dma_pdev = platform_device_register_full(&info);
	if (IS_ERR(mmaptest_dma_pdev))
		return PTR_ERR(mmaptest_dma_pdev);

	ret = misc_register(&mmaptest_misc);
	if (ret)
		goto err_unregister_pdev;
	return 0;

err_unregister_pdev:
	platform_device_unregister(mmaptest_dma_pdev);
	return ret;
}

static void __exit mmaptest_exit(void)
{
	misc_deregister(&mmaptest_misc);
	platform_device_unregister(mmaptest_dma_pdev);
}

module_init(mmaptest_init);
module_exit(mmaptest_exit);

MODULE_DESCRIPTION("Test driver for the mmap paths of character devices");
MODULE_LICENSE("GPL");
