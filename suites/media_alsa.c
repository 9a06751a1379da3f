/* (n) Real drivers' zero-copy mmap: the buffers an ALSA PCM driver fills, mapped into the
 * process, with the rules its mmap handler enforces (V4L2: media_vivid.c).
 *
 * snd-aloop, whose playback substream's samples reach the capture substream of the same
 * cable; both are used with SNDRV_PCM_ACCESS_MMAP_INTERLEAVED through the raw ioctls of
 * <sound/asound.h> (suite media_alsa_aloop). The module is loaded by tools/vm in its guest;
 * elsewhere every test SKIPs saying the module is missing. */
#include "mm_util.h"
#include "place.h"

#include <fcntl.h>
#include <poll.h>
#include <sound/asound.h>
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

/* ================================ ALSA: snd-aloop ================================ */

/* The card number of snd-aloop's card ("Loopback"), or SKIP. The calling test then owns the
 * card (an flock of its control device, held until the test process ends), so that its
 * playback and capture opens get the same free subdevice: the two ends of one cable. */
static int aloop_card(void)
{
	for (int c = 0; c < 32; c++) {
		char path[64], id[64] = "";
		snprintf(path, sizeof(path), "/proc/asound/card%d/id", c);
		ms_read_first_line(path, id, sizeof(id));
		if (strncmp(id, "Loopback", 8))
			continue;
		snprintf(path, sizeof(path), "/dev/snd/controlC%d", c);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX) != 0)
			ms_broken("open and flock %s: %s", path, ms_errname(errno));
		return c;
	}
	if (ms_place_module_absent("snd-aloop"))
		cr_skip_test("this kernel has no snd-aloop module (not in modules.dep nor "
			     "modules.builtin of its release): CONFIG_SND_ALOOP is off");
	cr_skip_test("no snd-aloop card (%s): modprobe snd-aloop (tools/vm does in its guest)",
		     access("/proc/asound", F_OK) == 0 ? "no card with id Loopback" :
		     "no /proc/asound: no ALSA here");
	return -1;
}

/* Opens the PCM of card: device dev, playback or capture, any free subdevice; declares this
 * program speaks the current protocol (so the status/control mmaps are not refused for an
 * old alsa-lib). */
static int pcm_open(int card, int dev, bool capture)
{
	char path[64];
	snprintf(path, sizeof(path), "/dev/snd/pcmC%dD%d%c", card, dev, capture ? 'c' : 'p');
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		ms_broken("open %s: %s", path, ms_errname(errno));
	int pversion = SNDRV_PCM_VERSION;
	xioctl(fd, SNDRV_PCM_IOCTL_USER_PVERSION, &pversion);
	return fd;
}

static unsigned pcm_subdevice(int fd)
{
	struct snd_pcm_info info;
	memset(&info, 0, sizeof(info));
	xioctl(fd, SNDRV_PCM_IOCTL_INFO, &info);
	return info.subdevice;
}

static struct snd_mask *hw_mask(struct snd_pcm_hw_params *p, int param)
{
	return &p->masks[param - SNDRV_PCM_HW_PARAM_FIRST_MASK];
}

static struct snd_interval *hw_interval(struct snd_pcm_hw_params *p, int param)
{
	return &p->intervals[param - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
}

static void hw_mask_only(struct snd_pcm_hw_params *p, int param, unsigned bit)
{
	struct snd_mask *m = hw_mask(p, param);
	memset(m, 0, sizeof(*m));
	m->bits[bit / 32] = 1u << (bit % 32);
}

static void hw_interval_only(struct snd_pcm_hw_params *p, int param, unsigned v)
{
	struct snd_interval *i = hw_interval(p, param);
	i->min = i->max = v;
	i->integer = 1;
}

#define PCM_RATE 48000
#define PCM_CHANNELS 2
#define PCM_FRAME_BYTES (PCM_CHANNELS * 2) /* S16_LE */
#define PCM_PERIOD 1024
#define PCM_BUFFER 16384         /* frames: the samples played, 341 ms at 48 kHz */
#define PCM_CAPTURE_BUFFER 65536 /* 1.4 s: room for a reader stalled under TCG */

/* HW_PARAMS: access, S16_LE, 2 channels, 48 kHz, the period size above, a buffer of frames;
 * the kernel refines and chooses the rest. Returns the buffer size in frames. */
static unsigned pcm_hw_params(int fd, snd_pcm_access_t access, unsigned frames)
{
	struct snd_pcm_hw_params p;
	memset(&p, 0, sizeof(p));
	for (int m = SNDRV_PCM_HW_PARAM_FIRST_MASK; m <= SNDRV_PCM_HW_PARAM_LAST_MASK; m++)
		memset(hw_mask(&p, m), 0xff, sizeof(struct snd_mask));
	for (int i = SNDRV_PCM_HW_PARAM_FIRST_INTERVAL; i <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL; i++)
		hw_interval(&p, i)->max = ~0u;
	p.rmask = ~0u;
	hw_mask_only(&p, SNDRV_PCM_HW_PARAM_ACCESS, (unsigned)access);
	hw_mask_only(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
	hw_mask_only(&p, SNDRV_PCM_HW_PARAM_SUBFORMAT, SNDRV_PCM_SUBFORMAT_STD);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_CHANNELS, PCM_CHANNELS);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_RATE, PCM_RATE);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, PCM_PERIOD);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_BUFFER_SIZE, frames);
	xioctl(fd, SNDRV_PCM_IOCTL_HW_PARAMS, &p);
	unsigned got = hw_interval(&p, SNDRV_PCM_HW_PARAM_BUFFER_SIZE)->min;
	if (got != frames)
		ms_broken("HW_PARAMS: buffer of %u frames, asked %u", got, frames);
	return got;
}

/* The status page (read-only) and control page of a PCM; SKIP where the kernel refuses them
 * (ENXIO: an architecture without coherent status mmap, or a driver needing explicit sync). */
static void pcm_map_status_control(int fd, volatile struct snd_pcm_mmap_status **st,
				   volatile struct snd_pcm_mmap_control **ctl)
{
	const size_t pg = ms_page();
	void *s = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, SNDRV_PCM_MMAP_OFFSET_STATUS);
	if (s == MAP_FAILED && errno == ENXIO)
		cr_skip_test("the PCM status page cannot be mapped here (ENXIO: the kernel maps it "
			     "only on x86, powerpc and alpha, and not for explicit-sync drivers)");
	cr_assert(s != MAP_FAILED, "mmap of the status page (SNDRV_PCM_MMAP_OFFSET_STATUS): %s",
		  ms_errname(errno));
	void *c = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       SNDRV_PCM_MMAP_OFFSET_CONTROL);
	cr_assert(c != MAP_FAILED, "mmap of the control page (SNDRV_PCM_MMAP_OFFSET_CONTROL): %s",
		  ms_errname(errno));
	*st = s;
	*ctl = c;
}

static const char *pcm_state_name(snd_pcm_state_t s)
{
	static const char *const names[] = { "OPEN", "SETUP", "PREPARED", "RUNNING", "XRUN",
					     "DRAINING", "PAUSED", "SUSPENDED", "DISCONNECTED" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* The sample of frame f, channel ch: never zero (zero is aloop's silence), unique per frame. */
static int16_t sample_of(unsigned f, int ch)
{
	return (int16_t)(ch == 0 ? 0x1000 + (int)f : -0x1000 - (int)f);
}

/* ---- n3: samples through the playback mapping reach the capture mapping ---- */

/* Assert that samples stored through the playback substream's mmap'd buffer (MMAP_INTERLEAVED,
 * appl_ptr advanced through the mapped control page) arrive unchanged in the capture
 * substream's mmap'd buffer, read as the mapped status page's hw_ptr moves; the status page
 * shows PREPARED and RUNNING as the ioctls change the state. */
CONFORM(media_alsa_aloop, pcm_mmap_samples_loop_back, "n3", LINUX, .timeout = MEDIA_TIMEOUT_S)
{
	int card = aloop_card();
	int play = pcm_open(card, 0, false), capt = pcm_open(card, 1, true);
	if (pcm_subdevice(play) != pcm_subdevice(capt))
		ms_broken("playback subdevice %u and capture subdevice %u are not one cable",
			  pcm_subdevice(play), pcm_subdevice(capt));
	unsigned frames = pcm_hw_params(play, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED, PCM_BUFFER);
	unsigned cframes = pcm_hw_params(capt, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED,
					 PCM_CAPTURE_BUFFER);
	const size_t bytes = (size_t)frames * PCM_FRAME_BYTES;
	const size_t cbytes = (size_t)cframes * PCM_FRAME_BYTES;
	volatile struct snd_pcm_mmap_status *pst, *cst;
	volatile struct snd_pcm_mmap_control *pctl, *cctl;
	pcm_map_status_control(play, &pst, &pctl);
	pcm_map_status_control(capt, &cst, &cctl);
	int16_t *pbuf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, play,
			     SNDRV_PCM_MMAP_OFFSET_DATA);
	cr_assert(pbuf != MAP_FAILED, "mmap of the playback buffer (%zu bytes): %s", bytes,
		  ms_errname(errno));
	const int16_t *cbuf = mmap(NULL, cbytes, PROT_READ, MAP_SHARED, capt,
				   SNDRV_PCM_MMAP_OFFSET_DATA);
	cr_assert(cbuf != MAP_FAILED, "mmap of the capture buffer (%zu bytes): %s", cbytes,
		  ms_errname(errno));

	xioctl(play, SNDRV_PCM_IOCTL_PREPARE, NULL);
	xioctl(capt, SNDRV_PCM_IOCTL_PREPARE, NULL);
	cr_assert(pst->state == SNDRV_PCM_STATE_PREPARED && cst->state == SNDRV_PCM_STATE_PREPARED,
		  "after PREPARE the status pages show playback %s, capture %s",
		  pcm_state_name(pst->state), pcm_state_name(cst->state));
	for (unsigned f = 0; f < frames; f++)
		for (int ch = 0; ch < PCM_CHANNELS; ch++)
			pbuf[f * PCM_CHANNELS + ch] = sample_of(f, ch);
	pctl->appl_ptr = frames; /* the whole buffer is ready to play */

	/* capture first: it records silence until playback starts, then the samples */
	xioctl(capt, SNDRV_PCM_IOCTL_START, NULL);
	xioctl(play, SNDRV_PCM_IOCTL_START, NULL);
	cr_assert(pst->state == SNDRV_PCM_STATE_RUNNING, "after START the playback status page "
		  "shows %s", pcm_state_name(pst->state));

	const size_t cap_max = (size_t)frames * 4;
	int16_t *got = calloc(cap_max, PCM_FRAME_BYTES);
	if (!got)
		ms_broken("calloc");
	size_t have = 0, start = SIZE_MAX;
	snd_pcm_uframes_t appl = cctl->appl_ptr;
	double end = ms_now_s() + ms_scaled_s(30);
	while (have < cap_max && ms_now_s() < end) {
		snd_pcm_uframes_t hw = cst->hw_ptr;
		cr_assert(cst->state == SNDRV_PCM_STATE_RUNNING,
			  "capture status page shows %s after %zu frames (hw_ptr %lu, appl_ptr "
			  "%lu)", pcm_state_name(cst->state), have, (unsigned long)hw,
			  (unsigned long)appl);
		for (; appl < hw && have < cap_max; appl++, have++)
			memcpy(&got[have * PCM_CHANNELS],
			       &cbuf[(appl % cframes) * PCM_CHANNELS], PCM_FRAME_BYTES);
		cctl->appl_ptr = appl; /* frees the space for the driver */
		if (start == SIZE_MAX)
			for (size_t f = 0; f < have; f++)
				if (got[f * PCM_CHANNELS] || got[f * PCM_CHANNELS + 1]) {
					start = f;
					break;
				}
		if (start != SIZE_MAX && have >= start + frames)
			break;
		usleep(2000);
	}
	xioctl(play, SNDRV_PCM_IOCTL_DROP, NULL);
	xioctl(capt, SNDRV_PCM_IOCTL_DROP, NULL);
	cr_assert(start != SIZE_MAX, "the capture side recorded %zu frames, all silence: no "
		  "sample from the playback mapping arrived", have);
	cr_assert(have >= start + frames, "%zu frames recorded, the samples began at frame %zu; "
		  "%u expected within 30 s", have, start, frames);
	for (unsigned f = 0; f < frames; f++)
		for (int ch = 0; ch < PCM_CHANNELS; ch++) {
			int16_t s = got[(start + f) * PCM_CHANNELS + ch];
			cr_assert(s == sample_of(f, ch),
				  "captured frame %u channel %d (recorded frame %zu) is %d, "
				  "expected %d as stored through the playback mapping",
				  f, ch, start + f, s, sample_of(f, ch));
		}
	free(got);
	xmunmap((void *)cbuf, cbytes);
	xmunmap(pbuf, bytes);
	xclose(capt);
	xclose(play);
}

/* ---- n4: the PCM mmap rules ---- */

/* Assert that the data area cannot be mapped before HW_PARAMS (EBADFD: the substream is
 * still OPEN), nor with a read/write access chosen (EINVAL). */
CONFORM(media_alsa_aloop, data_mmap_needs_mmap_access, "n4", LINUX)
{
	int card = aloop_card();
	int fd = pcm_open(card, 0, false);
	const size_t pg = ms_page();
	ms_assert_errno(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			     SNDRV_PCM_MMAP_OFFSET_DATA), EBADFD);
	pcm_hw_params(fd, SNDRV_PCM_ACCESS_RW_INTERLEAVED, PCM_BUFFER);
	ms_assert_errno(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			     SNDRV_PCM_MMAP_OFFSET_DATA), EINVAL);
	xclose(fd);
}

/* Assert that the data area mapping stays inside the buffer: more bytes than the buffer, or
 * an offset that puts the end past it, is EINVAL; the whole buffer maps. */
CONFORM(media_alsa_aloop, data_mmap_past_buffer_fails_einval, "n4", LINUX)
{
	int card = aloop_card();
	int fd = pcm_open(card, 0, false);
	const size_t pg = ms_page();
	size_t bytes = (size_t)pcm_hw_params(fd, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED, PCM_BUFFER) *
		       PCM_FRAME_BYTES;
	size_t abytes = (bytes + pg - 1) / pg * pg;
	const struct ms_bad_range tcases[] = {
		{ abytes + pg, 0, "one page more than the buffer" },
		{ abytes, (off_t)pg, "the whole buffer's length from its second page" },
		{ pg, (off_t)abytes, "the page after the buffer" },
	};
	char what[64];
	snprintf(what, sizeof(what), "aloop PCM buffer of %zu bytes", bytes);
	ms_assert_ranges_einval(fd, tcases, sizeof(tcases) / sizeof(tcases[0]), what);
	void *p = mmap(NULL, abytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert(p != MAP_FAILED, "mmap of the whole buffer (%zu bytes): %s", abytes,
		  ms_errname(errno));
	xmunmap(p, abytes);
	xclose(fd);
}

/* Assert that the status page is read-only whatever mmap asked: a PROT_WRITE mapping is made
 * without write permission (a store faults SEGV_ACCERR, mprotect(PROT_WRITE) is EACCES), and
 * a mapping of another size than one page is EINVAL. */
CONFORM(media_alsa_aloop, status_page_is_read_only, "n4", LINUX)
{
	int card = aloop_card();
	int fd = pcm_open(card, 0, false);
	const size_t pg = ms_page();
	pcm_hw_params(fd, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED, PCM_BUFFER);
	volatile unsigned char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
					 SNDRV_PCM_MMAP_OFFSET_STATUS);
	if (s == MAP_FAILED && errno == ENXIO)
		cr_skip_test("the PCM status page cannot be mapped here (ENXIO: the kernel maps it "
			     "only on x86, powerpc and alpha, and not for explicit-sync drivers)");
	cr_assert(s != MAP_FAILED, "mmap of the status page PROT_READ|PROT_WRITE: %s",
		  ms_errname(errno));
	const volatile struct snd_pcm_mmap_status *st = (const volatile void *)s;
	cr_assert(st->state == SNDRV_PCM_STATE_SETUP, "the status page shows %s after HW_PARAMS, "
		  "expected SETUP", pcm_state_name(st->state));
	struct ms_fault f;
	cr_assert(ms_probe_write(s, 0x55, &f) && f.signo == SIGSEGV && f.code == SEGV_ACCERR,
		  "a store to the status page %s\n%s", f.faulted ? ms_sicode_name(f.signo, f.code) :
		  "did not fault", ms_maps_near((const void *)s, pg));
	ms_assert_errno(mprotect((void *)s, pg, PROT_READ | PROT_WRITE), EACCES);
	xmunmap((void *)s, pg);
	ms_assert_errno(mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, SNDRV_PCM_MMAP_OFFSET_STATUS),
			EINVAL);
	xclose(fd);
}
