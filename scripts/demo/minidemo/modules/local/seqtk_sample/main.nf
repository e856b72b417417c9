process SEQTK_SAMPLE {
    tag "$meta.id"
    label 'process_single'

    container 'quay.io/biocontainers/seqtk:1.4--he4a0461_1'

    input:
    tuple val(meta), path(reads)

    output:
    tuple val(meta), path("*.sub.fastq.gz"), emit: reads

    script:
    """
    for f in $reads; do seqtk sample -s100 \$f 1000 | gzip > \${f%%.fastq.gz}.sub.fastq.gz; done
    """

    stub:
    """
    touch ${meta.id}_1.sub.fastq.gz ${meta.id}_2.sub.fastq.gz
    """
}
