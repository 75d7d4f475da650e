/**
 * `loracheck backends`: which TensorFlow.js backends can run here, the WebGPU adapter Dawn
 * sees (vendor, architecture, description, Vulkan loader and drivers), and what `train
 * --backend auto` would pick (gpu-runs/backend.ts decides; this only asks it).
 */
import type { Command } from '../command.ts';
import { oneLine } from '../../runtime/escape.ts';
import { probeBackends } from '../../gpu-runs/backend.ts';
import { terminalJSON } from '../../gpu-runs/verify-files.ts';

export const command: Command = {
  spec: {
    name: 'backends',
    summary: 'List the TensorFlow.js backends usable here, the WebGPU adapter, and what auto picks.',
    usage: 'backends [--json]',
    flags: { json: { type: 'boolean', help: 'print one JSON document' } },
    details: [
      'auto tries gpu > webgpu (hardware adapters only) > native > wasm > cpu; --backend webgpu also takes a software adapter (SwiftShader).',
      '',
      'Examples:',
      '  loracheck backends',
      '  VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/nvidia_icd.json loracheck backends --json',
    ].join('\n'),
  },
  async run({ flags }) {
    const r = await probeBackends();
    if (flags.json) {
      console.log(terminalJSON(r));
      return 0;
    }
    for (const b of r.backends) {
      const note = b.available && !b.autoEligible ? ' (auto skips it: software adapter)' : '';
      // the adapter's strings come from the driver: escaped like any text from outside
      console.log(`${b.name.padEnd(7)} ${b.available ? 'yes' : 'no '}  ${oneLine(b.detail)}${note}`);
      const a = b.adapter;
      if (a) {
        console.log(oneLine(`        adapter: vendor "${a.vendor}", architecture "${a.architecture}", device "${a.device}", description "${a.description}"`));
        if (a.vulkanLoader) console.log(oneLine(`        Vulkan loader ${a.vulkanLoader}; drivers ${(a.vulkanDrivers ?? []).join(', ')}`));
        // drivers tried alone and left out, with what Dawn or the loader said (webgpu-adapter.ts)
        for (const s of a.vulkanDriversSkipped ?? []) console.log(oneLine(`        not used: ${s}`));
      }
    }
    console.log(`auto: ${oneLine(r.auto)}`);
    return 0;
  },
};
