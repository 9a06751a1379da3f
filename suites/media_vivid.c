/* (n) Real drivers' zero-copy mmap: the buffers a V4L2 capture driver (videobuf2) fills,
 * mapped into the process, with the rules its mmap handler enforces (ALSA: media_alsa.c).
 *
 * The vivid test driver's capture node in streaming I/O with MMAP buffers, once per
 * videobuf2 allocator (suites media_vivid_vmalloc and media_vivid_dma_contig: vivid's
 * allocators=0 and =1, the latter reaching dma_mmap_coherent). vivid's test pattern generator
 * draws the ITU-R 75% colour bars, so a frame's bytes are known in advance.
 * The module is loaded by tools/vm in its guest (vivid n_devs=2 node_types=0x1,0x1
 * allocators=0,1); elsewhere every test SKIPs saying the module is missing. */
#include "mm_util.h"
#include "place.h"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Test bodies wait for a driver under TCG on a loaded 2-core host: generous, still bounded. */
#define MEDIA_TIMEOUT_S 90

/* ================================ V4L2: vivid ================================ */

enum vivid_alloc { VIVID_VMALLOC = 0, VIVID_DMA_CONTIG = 1 };
static const char *const alloc_name[] = { "vmalloc", "dma-contig" };

/* vivid's allocator for instance inst: /sys/module/vivid/parameters/allocators, a comma list
 * indexed by instance (missing entries are the default, vmalloc). */
static unsigned vivid_allocator(int inst)
{
	char buf[512];
	ms_read_first_line("/sys/module/vivid/parameters/allocators", buf, sizeof(buf));
	char *p = buf;
	for (int i = 0; i < inst && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return p && *p >= '0' && *p <= '9' ? (unsigned)strtoul(p, NULL, 10) : 0;
}

struct vivid {
	int fd;
	char path[32];
	struct v4l2_pix_format pix;
	bool osd_off; /* the on-screen text is switched off: every row holds the bars */
};

/* vivid's control "OSD Text Mode" (VIVID_CID_VIVID_BASE + 1), value 2 "None". */
#define VIVID_CID_OSD_TEXT_MODE (0x00f00000 | 0xf000 | 1)

/* Opens vivid's single-planar video capture node of the instance using allocator a, input 0
 * (webcam), 320x180 RGB24; SKIPs when there is none. */
static struct vivid vivid_open(enum vivid_alloc a)
{
	struct vivid v = { .fd = -1 };
	if (access("/sys/module/vivid", F_OK) != 0 && ms_place_module_absent("vivid"))
		cr_skip_test("this kernel has no vivid module (not in modules.dep nor "
			     "modules.builtin of its release): CONFIG_VIDEO_VIVID is off");
	if (access("/sys/module/vivid", F_OK) != 0)
		cr_skip_test("the vivid module is not loaded (modprobe vivid n_devs=2 "
			     "node_types=0x1,0x1 allocators=0,1; tools/vm does in its guest)");
	for (int n = 0; n < 64 && v.fd < 0; n++) {
		snprintf(v.path, sizeof(v.path), "/dev/video%d", n);
		int fd = open(v.path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct v4l2_capability cap;
		int inst;
		memset(&cap, 0, sizeof(cap));
		if (ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 && !strcmp((char *)cap.driver, "vivid") &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) &&
		    (cap.device_caps & V4L2_CAP_STREAMING) &&
		    sscanf((char *)cap.bus_info, "platform:vivid-%d", &inst) == 1 &&
		    vivid_allocator(inst) == (unsigned)a)
			v.fd = fd;
		else
			close(fd);
	}
	if (v.fd >= 0 && flock(v.fd, LOCK_EX) != 0) /* one test at a time owns the queue */
		ms_broken("flock %s: %s", v.path, ms_errname(errno));
	if (v.fd < 0)
		cr_skip_test("no single-planar vivid capture node uses the %s allocator (load vivid "
			     "with allocators=0,1 and node_types=0x1,0x1 to have both)",
			     alloc_name[a]);
	int input = 0;
	xioctl(v.fd, VIDIOC_S_INPUT, &input);
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	fmt.fmt.pix.width = 320;
	fmt.fmt.pix.height = 180;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	xioctl(v.fd, VIDIOC_S_FMT, &fmt);
	v.pix = fmt.fmt.pix;
	if (v.pix.pixelformat != V4L2_PIX_FMT_RGB24 || v.pix.width < 8 || v.pix.height < 2 ||
	    v.pix.bytesperline < v.pix.width * 3)
		/* a fourcc is its first character in the low byte (v4l2_fourcc), whatever the
		 * byte order: printed from the value, not from its bytes in memory */
		ms_broken("%s: VIDIOC_S_FMT RGB24 320x180 gave %c%c%c%c %ux%u, %u bytes per line",
			  v.path, (char)(v.pix.pixelformat & 0xff),
			  (char)(v.pix.pixelformat >> 8 & 0xff), (char)(v.pix.pixelformat >> 16 & 0xff),
			  (char)(v.pix.pixelformat >> 24 & 0xff), v.pix.width, v.pix.height,
			  v.pix.bytesperline);
	struct v4l2_control osd = { .id = VIVID_CID_OSD_TEXT_MODE, .value = 2 };
	v.osd_off = ioctl(v.fd, VIDIOC_S_CTRL, &osd) == 0;
	return v;
}

/* REQBUFS of count MMAP capture buffers; returns the count granted (and the capabilities). */
static unsigned vivid_reqbufs(int fd, unsigned count, uint32_t *caps)
{
	struct v4l2_requestbuffers rb = {
		.count = count, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP
	};
	xioctl(fd, VIDIOC_REQBUFS, &rb);
	if (caps)
		*caps = rb.capabilities;
	return rb.count;
}

static struct v4l2_buffer vivid_querybuf(int fd, unsigned index)
{
	struct v4l2_buffer b = {
		.index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP
	};
	xioctl(fd, VIDIOC_QUERYBUF, &b);
	return b;
}

/* The ITU-R 75% colour bars, left to right: white, yellow, cyan, green, magenta, red, blue,
 * black; which of R, G, B is lit in each (v4l2-tpg: bar x * 8 / width). */
static const char *const bar_name[8] = { "white", "yellow", "cyan", "green",
					  "magenta", "red", "blue", "black" };
static bool bar_lit(int bar, int channel)
{
	static const unsigned char lit[8] = { 7, 3, 6, 2, 5, 1, 4, 0 }; /* bit 0 R, 1 G, 2 B */
	return lit[bar] >> channel & 1;
}

/* Checks that rows [y0, height) of an RGB24 frame are the 75% colour bars: each bar's pixels
 * (two pixels kept clear of each edge) equal, lit channels at one level, dark channels at
 * another, 75% of full scale apart at least (191 and 0 in full-range RGB). Returns NULL, or
 * what differs (static buffer). */
static const char *bars_mismatch(const unsigned char *frame, const struct v4l2_pix_format *pix,
				 unsigned y0, bool full_range)
{
	static char msg[256];
	const unsigned w = pix->width;
	const unsigned char *row0 = frame + (size_t)y0 * pix->bytesperline;
	unsigned lit = row0[(w / 16) * 3], dark = row0[(w - w / 16) * 3]; /* white R, black R */
	if (lit < dark + 128 || (full_range && (lit != 191 || dark != 0))) {
		snprintf(msg, sizeof(msg),
			 "row %u: white bar's red is %u and black bar's red %u; expected 75%% "
			 "colour bars (191 and 0 in full-range RGB)", y0, lit, dark);
		return msg;
	}
	for (unsigned y = y0; y < pix->height; y++) {
		const unsigned char *row = frame + (size_t)y * pix->bytesperline;
		for (int bar = 0; bar < 8; bar++) {
			unsigned x0 = (unsigned)bar * w / 8 + 2, x1 = (unsigned)(bar + 1) * w / 8 - 2;
			for (unsigned x = x0; x < x1; x++)
				for (int c = 0; c < 3; c++) {
					unsigned want = bar_lit(bar, c) ? lit : dark;
					if (row[x * 3 + c] == want)
						continue;
					snprintf(msg, sizeof(msg),
						 "pixel (%u, %u) in the %s bar: %s is %u, expected %u "
						 "(pixel bytes %02x %02x %02x)", x, y, bar_name[bar],
						 c == 0 ? "red" : c == 1 ? "green" : "blue",
						 row[x * 3 + c], want, row[x * 3], row[x * 3 + 1],
						 row[x * 3 + 2]);
					return msg;
				}
		}
	}
	return NULL;
}

#define POISON 0xa5

/* Waits up to timeout_s for a filled buffer and dequeues it; false on timeout. */
static bool vivid_dqbuf(int fd, struct v4l2_buffer *b, double timeout_s)
{
	double end = ms_now_s() + timeout_s;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left = (int)((end - ms_now_s()) * 1000);
		if (left <= 0)
			return false;
		int r = poll(&pfd, 1, left);
		if (r < 0 && errno != EINTR)
			ms_broken("poll %s: %s", "video node", ms_errname(errno));
		if (r <= 0)
			continue;
		memset(b, 0, sizeof(*b));
		b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b->memory = V4L2_MEMORY_MMAP;
		if (ioctl(fd, VIDIOC_DQBUF, b) == 0)
			return true;
		if (errno != EAGAIN && errno != EINTR)
			ms_broken("VIDIOC_DQBUF: %s", ms_errname(errno));
	}
}

#define VIVID_BUFS 4
#define VIVID_FRAMES 8

/* Assert that frames streamed into MMAP buffers land in the process's mappings of them: each
 * buffer is poisoned through its mapping before QBUF, and after DQBUF the same mapping holds
 * vivid's colour bars in every row, bytesused = sizeimage, sequence numbers increasing. */
static void stream_into_mapped_buffers(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	unsigned n = vivid_reqbufs(v.fd, VIVID_BUFS, NULL);
	if (n < 2 || n > 32)
		ms_broken("VIDIOC_REQBUFS %u MMAP buffers granted %u", VIVID_BUFS, n);
	unsigned char *map[32];
	size_t len[32];
	for (unsigned i = 0; i < n; i++) {
		struct v4l2_buffer b = vivid_querybuf(v.fd, i);
		cr_assert(b.length >= v.pix.sizeimage,
			  "%s, buffer %u: QUERYBUF length %u is smaller than sizeimage %u",
			  alloc_name[a], i, b.length, v.pix.sizeimage);
		len[i] = b.length;
		map[i] = mmap(NULL, len[i], PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, b.m.offset);
		cr_assert(map[i] != MAP_FAILED,
			  "%s, buffer %u: mmap of QUERYBUF's offset 0x%x, length %u: %s",
			  alloc_name[a], i, b.m.offset, b.length, ms_errname(errno));
		memset(map[i], POISON, len[i]);
		xioctl(v.fd, VIDIOC_QBUF, &b);
	}
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	xioctl(v.fd, VIDIOC_STREAMON, &type);
	bool full = v.pix.quantization == V4L2_QUANTIZATION_FULL_RANGE ||
		    v.pix.quantization == V4L2_QUANTIZATION_DEFAULT;
	unsigned y0 = v.osd_off ? 0 : v.pix.height / 2; /* the text sits in the top rows */
	long last_seq = -1;
	double frame_s = ms_scaled_s(20);
	for (int f = 0; f < VIVID_FRAMES; f++) {
		struct v4l2_buffer b;
		cr_assert(vivid_dqbuf(v.fd, &b, frame_s), "%s: frame %d did not arrive within "
			  "%.0f s", alloc_name[a], f, frame_s);
		cr_assert(b.index < n, "DQBUF returned buffer %u of %u", b.index, n);
		cr_assert(!(b.flags & V4L2_BUF_FLAG_ERROR), "%s: frame %d flagged V4L2_BUF_FLAG_ERROR",
			  alloc_name[a], f);
		cr_assert(b.bytesused == v.pix.sizeimage, "%s: frame %d: bytesused %u, sizeimage %u",
			  alloc_name[a], f, b.bytesused, v.pix.sizeimage);
		cr_assert((long)b.sequence > last_seq, "%s: frame %d: sequence %u after %ld",
			  alloc_name[a], f, b.sequence, last_seq);
		last_seq = b.sequence;
		const char *bad = bars_mismatch(map[b.index], &v.pix, y0, full);
		cr_assert(!bad, "%s: frame %d (sequence %u) read through the mapping of buffer %u: %s"
			  "%s", alloc_name[a], f, b.sequence, b.index, bad,
			  map[b.index][(size_t)y0 * v.pix.bytesperline] == POISON ?
			  " (the poison written before QBUF is still there: the driver filled "
			  "other memory)" : "");
		memset(map[b.index], POISON, len[b.index]);
		xioctl(v.fd, VIDIOC_QBUF, &b);
	}
	xioctl(v.fd, VIDIOC_STREAMOFF, &type);
	for (unsigned i = 0; i < n; i++)
		xmunmap(map[i], len[i]);
	vivid_reqbufs(v.fd, 0, NULL);
	xclose(v.fd);
}

/* Assert that videobuf2 refuses a mapping without MAP_SHARED with EINVAL (vb2_mmap: VM_SHARED
 * needed), also for an offset QUERYBUF returned. */
static void private_mapping_refused(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	vivid_reqbufs(v.fd, 2, NULL);
	struct v4l2_buffer b = vivid_querybuf(v.fd, 0);
	ms_assert_errno(mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_PRIVATE, v.fd, b.m.offset),
			EINVAL);
	ms_assert_errno(mmap(NULL, b.length, PROT_READ, MAP_PRIVATE, v.fd, b.m.offset), EINVAL);
	xclose(v.fd);
}

/* Assert that an mmap offset is a cookie: only an offset QUERYBUF returned maps (a page inside
 * a buffer, or past the last one, is EINVAL), the length may not pass the buffer's end, and a
 * capture buffer needs PROT_READ; each refused with EINVAL. */
static void offsets_are_cookies(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	unsigned n = vivid_reqbufs(v.fd, 2, NULL);
	const size_t pg = ms_page();
	struct v4l2_buffer b0 = vivid_querybuf(v.fd, 0), bl = vivid_querybuf(v.fd, n - 1);
	size_t len = b0.length, alen = (len + pg - 1) / pg * pg;
	off_t past = (off_t)bl.m.offset + (off_t)((bl.length + pg - 1) / pg * pg);
	const struct {
		off_t off;
		size_t len;
		int prot;
		const char *why;
	} tcases[] = {
		{ (off_t)b0.m.offset + (off_t)pg, pg, PROT_READ, "a page inside buffer 0" },
		{ past, pg, PROT_READ, "the page after the last buffer" },
		{ (off_t)b0.m.offset, alen + pg, PROT_READ, "one page more than buffer 0" },
		{ (off_t)b0.m.offset, len, PROT_WRITE, "a capture buffer without PROT_READ" },
	};
	for (size_t i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		errno = 0;
		void *p = mmap(NULL, tcases[i].len, tcases[i].prot, MAP_SHARED, v.fd, tcases[i].off);
		int e = errno;
		cr_assert(p == MAP_FAILED && e == EINVAL,
			  "%s: mmap of %s (offset 0x%llx, %zu bytes): expected EINVAL, got %s",
			  alloc_name[a], tcases[i].why, (unsigned long long)tcases[i].off,
			  tcases[i].len, p == MAP_FAILED ? ms_errname(e) : "a mapping");
	}
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, v.fd, b0.m.offset);
	cr_assert(p != MAP_FAILED, "%s: mmap of buffer 0 at QUERYBUF's offset 0x%x: %s",
		  alloc_name[a], b0.m.offset, ms_errname(errno));
	xmunmap(p, len);
	xclose(v.fd);
}

/* Assert that a buffer's mapping holds its memory: QUERYBUF flags it V4L2_BUF_FLAG_MAPPED
 * while mapped and not after munmap; REQBUFS(0) with a live mapping either orphans the buffers
 * (V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS: the mapping keeps the frame's bytes) or fails EBUSY. */
static void mapping_keeps_buffer(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	uint32_t caps;
	unsigned n = vivid_reqbufs(v.fd, 2, &caps);
	struct v4l2_buffer b = vivid_querybuf(v.fd, 0);
	cr_assert(!(b.flags & V4L2_BUF_FLAG_MAPPED), "%s: buffer 0 flagged MAPPED before mmap",
		  alloc_name[a]);
	unsigned char *p = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd,
				b.m.offset);
	cr_assert(p != MAP_FAILED, "%s: mmap buffer 0: %s", alloc_name[a], ms_errname(errno));
	b = vivid_querybuf(v.fd, 0);
	cr_assert(b.flags & V4L2_BUF_FLAG_MAPPED, "%s: buffer 0 not flagged MAPPED while mapped "
		  "(flags 0x%x)", alloc_name[a], b.flags);
	xmunmap(p, b.length);
	b = vivid_querybuf(v.fd, 0);
	cr_assert(!(b.flags & V4L2_BUF_FLAG_MAPPED), "%s: buffer 0 still flagged MAPPED after "
		  "munmap (flags 0x%x)", alloc_name[a], b.flags);

	/* fill buffer 0 with a frame, keep it mapped, free the queue */
	p = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, b.m.offset);
	cr_assert(p != MAP_FAILED, "%s: mmap buffer 0: %s", alloc_name[a], ms_errname(errno));
	memset(p, POISON, b.length);
	for (unsigned i = 0; i < n; i++) {
		struct v4l2_buffer q = vivid_querybuf(v.fd, i);
		xioctl(v.fd, VIDIOC_QBUF, &q);
	}
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	xioctl(v.fd, VIDIOC_STREAMON, &type);
	for (;;) {
		struct v4l2_buffer d;
		cr_assert(vivid_dqbuf(v.fd, &d, ms_scaled_s(20)), "%s: no frame within %.0f s",
			  alloc_name[a], ms_scaled_s(20));
		if (d.index == 0)
			break;
		xioctl(v.fd, VIDIOC_QBUF, &d);
	}
	xioctl(v.fd, VIDIOC_STREAMOFF, &type);
	bool full = v.pix.quantization == V4L2_QUANTIZATION_FULL_RANGE ||
		    v.pix.quantization == V4L2_QUANTIZATION_DEFAULT;
	unsigned y0 = v.osd_off ? 0 : v.pix.height / 2;
	const char *bad = bars_mismatch(p, &v.pix, y0, full);
	cr_assert(!bad, "%s: the frame in buffer 0 before REQBUFS(0): %s", alloc_name[a], bad);
	struct v4l2_requestbuffers rb = {
		.count = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP
	};
	errno = 0;
	int r = ioctl(v.fd, VIDIOC_REQBUFS, &rb);
	int e = errno;
	if (caps & V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS) {
		cr_assert(r == 0, "%s: REQBUFS(0) with buffer 0 mapped: %s, although REQBUFS "
			  "reported V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS", alloc_name[a],
			  ms_errname(e));
		bad = bars_mismatch(p, &v.pix, y0, full);
		cr_assert(!bad, "%s: the orphaned buffer's mapping after REQBUFS(0): %s",
			  alloc_name[a], bad);
	} else {
		cr_assert(r == -1 && e == EBUSY, "%s: REQBUFS(0) with buffer 0 mapped: expected "
			  "EBUSY (no V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS), got %s", alloc_name[a],
			  r == 0 ? "success" : ms_errname(e));
	}
	xmunmap(p, b.length);
	xclose(v.fd);
}

#define VIVID_TEST_EACH_ALLOCATOR(name, ids, fn)                                            \
	CONFORM(media_vivid_vmalloc, name, ids, LINUX, .timeout = MEDIA_TIMEOUT_S)          \
	{ fn(VIVID_VMALLOC); }                                                              \
	CONFORM(media_vivid_dma_contig, name, ids, LINUX, .timeout = MEDIA_TIMEOUT_S)       \
	{ fn(VIVID_DMA_CONTIG); }

/* ---- n1: frames land in the mapped buffers ---- */
VIVID_TEST_EACH_ALLOCATOR(stream_frames_land_in_mapped_buffers, "n1", stream_into_mapped_buffers)

/* ---- n2: videobuf2's mmap rules ---- */
VIVID_TEST_EACH_ALLOCATOR(map_private_fails_einval, "n2", private_mapping_refused)
VIVID_TEST_EACH_ALLOCATOR(offset_not_from_querybuf_fails_einval, "n2", offsets_are_cookies)
VIVID_TEST_EACH_ALLOCATOR(mapping_holds_buffer_past_reqbufs_0, "n2", mapping_keeps_buffer)
