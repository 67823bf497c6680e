using SrTrain.Data;

namespace SrTrain.Cli.Tests;

/// <summary>A tiny DIV2K-shaped tree made on the fly: smooth random HR images (bicubic-upsampled noise,
/// so SR is learnable), their MATLAB-bicubic LR, a train and a val folder.</summary>
public sealed class SmokeData
{
    public SmokeData(int scale = 4, int trainImages = 6, int valImages = 2, int hrSize = 64)
    {
        Root = RepoPaths.NewTempDir("srtrain-smoke");
        Scale = scale;
        LibTorch.ManualSeed(1234);
        Write("train", trainImages, hrSize);
        Write("val", valImages, hrSize);
    }

    public string Root { get; }
    public int Scale { get; }
    public string Hr(string split) => Path.Combine(Root, split, "HR");
    public string Lr(string split) => Path.Combine(Root, split, $"LRx{Scale}");

    private void Write(string split, int count, int size)
    {
        Directory.CreateDirectory(Hr(split));
        Directory.CreateDirectory(Lr(split));
        for (int i = 1; i <= count; i++)
        {
            using var scope = LibTorch.NewDisposeScope();
            var noise = Tensor.Rand([1, 3, size / 8, size / 8]);
            var hrTensor = F.Interpolate(noise, (size, size), InterpolationMode.Bicubic).Clamp(0, 1).Squeeze(0);
            var hr = Image.FromTensor(hrTensor);
            var name = $"{i:0000}.png";
            ImageIO.Write(Path.Combine(Hr(split), name), hr);
            // Re-read so LR is made from exactly the 8-bit HR that training sees.
            var hr8 = ImageIO.Read(Path.Combine(Hr(split), name));
            ImageIO.Write(Path.Combine(Lr(split), name), Imresize.Resize(hr8, 1.0 / Scale));
        }
    }

    /// <summary>A PSNR-stage option file (tiny RRDBNet, L1) over this data.</summary>
    public string PsnrOptions(string name, long totalIter, string root, int printFreq = 1, int checkpointFreq = 1000, int valFreq = 1000,
                              int workers = 0) => Write(root, name + ".yml", $$"""
        name: {{name}}
        model_type: SRModel
        scale: {{Scale}}
        num_gpu: 0
        manual_seed: 7
        datasets:
          train:
            name: smoke
            type: PairedImageDataset
            dataroot_gt: {{Hr("train")}}
            dataroot_lq: {{Lr("train")}}
            filename_tmpl: '{}'
            io_backend:
              type: disk
            gt_size: 32
            use_hflip: true
            use_rot: true
            num_worker_per_gpu: {{workers}}
            batch_size_per_gpu: 2
            dataset_enlarge_ratio: 1
          val:
            name: smoke_val
            type: PairedImageDataset
            dataroot_gt: {{Hr("val")}}
            dataroot_lq: {{Lr("val")}}
            io_backend:
              type: disk
        network_g:
          type: RRDBNet
          num_in_ch: 3
          num_out_ch: 3
          num_feat: 8
          num_block: 1
          num_grow_ch: 4
        path:
          root: {{root}}
          pretrain_network_g: ~
          resume_state: ~
        train:
          ema_decay: 0.9
          optim_g:
            type: Adam
            lr: !!float 2e-3
            betas: [0.9, 0.99]
          scheduler:
            type: MultiStepLR
            milestones: [8, 16]
            gamma: 0.5
          total_iter: {{totalIter}}
          warmup_iter: 2
          pixel_opt:
            type: L1Loss
            loss_weight: 1.0
        val:
          val_freq: {{valFreq}}
          save_img: true
          metrics:
            psnr:
              type: calculate_psnr
              crop_border: 4
            ssim:
              type: calculate_ssim
              crop_border: 4
        logger:
          print_freq: {{printFreq}}
          save_checkpoint_freq: {{checkpointFreq}}
          use_tb_logger: true
        """);

    /// <summary>An ESRGAN-stage option file initialised from <paramref name="pretrained"/>.</summary>
    public string EsrganOptions(string name, long totalIter, string root, string pretrained) => Write(root, name + ".yml", $$"""
        name: {{name}}
        model_type: ESRGANModel
        scale: {{Scale}}
        num_gpu: 0
        manual_seed: 7
        datasets:
          train:
            type: PairedImageDataset
            dataroot_gt: {{Hr("train")}}
            dataroot_lq: {{Lr("train")}}
            gt_size: 32
            use_hflip: true
            use_rot: true
            num_worker_per_gpu: 1
            batch_size_per_gpu: 2
        network_g:
          type: RRDBNet
          num_feat: 8
          num_block: 1
          num_grow_ch: 4
        network_d:
          type: UNetDiscriminatorSN
          num_in_ch: 3
          num_feat: 8
        path:
          root: {{root}}
          pretrain_network_g: {{pretrained}}
          param_key_g: params_ema
          strict_load_g: true
        train:
          ema_decay: 0.9
          optim_g: {type: Adam, lr: !!float 1e-4, betas: [0.9, 0.99]}
          optim_d: {type: Adam, lr: !!float 1e-4, betas: [0.9, 0.99]}
          scheduler: {type: MultiStepLR, milestones: [100], gamma: 0.5}
          total_iter: {{totalIter}}
          pixel_opt: {type: L1Loss, loss_weight: !!float 1e-2}
          perceptual_opt:
            type: PerceptualLoss
            layer_weights: {'conv5_4': 1}
            vgg_type: vgg19
            vgg_pretrained: false
            perceptual_weight: 1.0
            style_weight: 0
          gan_opt: {type: GANLoss, gan_type: vanilla, loss_weight: !!float 5e-3}
          net_d_iters: 1
          net_d_init_iters: 0
        logger:
          print_freq: 1
          save_checkpoint_freq: {{totalIter}}
        """);

    private static string Write(string dir, string file, string text)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, file);
        File.WriteAllText(path, text);
        return path;
    }
}
